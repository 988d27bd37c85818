import knexFactory, { type Knex } from 'knex';
import type { PoolClient as PgClient, QueryResultRow } from 'pg';
import { migrationSource } from './migrations.js';

export type Db = Knex;

/**
 * How long a query waits for a pooled connection before failing (knex waits a minute by default).
 * A refused connection fails at once; this bounds the other outages, a server that accepts but
 * never answers or a pool whose every connection hangs, so the citizen gets the "try again" page
 * (503) in seconds rather than a page that never comes. Under load a query waits milliseconds for
 * a connection; five seconds of waiting means the database cannot keep up, and a 503 is right.
 */
export const ACQUIRE_TIMEOUT_MS = 5_000;

export function createDb(url: string, poolMax = 10): Db {
  return knexFactory({
    client: 'pg',
    connection: { connectionString: url, application_name: 'consulta' },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: ACQUIRE_TIMEOUT_MS,
    migrations: { migrationSource, tableName: 'knex_migrations' },
  });
}

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest()) as [number, string[]];
  return applied;
}

/**
 * Runs one of the statements nearly every citizen request makes (storing a submission, reading
 * a draft, counting a rate-limit hit) as a named prepared statement: PostgreSQL parses it once
 * per connection rather than on each call, and knex's query building is skipped. It keeps one
 * plan only where that plan costs no more than one made for the values (an array parameter's
 * length changes the estimate, so such a statement is planned at each call). The
 * text uses pg's positional parameters ($1, $2...). With a transaction as `db`, it runs on the
 * transaction's connection.
 */
export async function prepared<Row>(
  db: Db,
  name: string,
  text: string,
  values: unknown[],
): Promise<Row[]> {
  const connection = (await db.client.acquireConnection()) as PgClient;
  try {
    return (await connection.query<Row & QueryResultRow>({ name, text, values })).rows;
  } finally {
    await db.client.releaseConnection(connection);
  }
}
