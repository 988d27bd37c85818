import type { Knex } from 'knex';
import { migrations } from '../../migrations/index.js';

/** Migrations are listed statically so that they run the same under tsx, vitest and a build. */
export const migrationSource: Knex.MigrationSource<(typeof migrations)[number]> = {
  getMigrations: async () => migrations,
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};
