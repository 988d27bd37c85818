import knexFactory, { type Knex } from 'knex';
import { migrationSource } from './migrations.js';

export type Db = Knex;

export function createDb(url: string, poolMax = 10): Db {
  return knexFactory({
    client: 'pg',
    connection: { connectionString: url, application_name: 'consulta' },
    pool: { min: 0, max: poolMax },
    migrations: { migrationSource, tableName: 'knex_migrations' },
  });
}

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return applied;
}
