import type { Knex } from 'knex';

export const name = '20261122000400_rate_limits';

/** Shared rate-limit counters (several app processes), keyed by a keyed hash, kept for minutes. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limits', (t) => {
    t.text('key').primary();
    t.integer('hits').notNullable();
    t.timestamp('reset_at', { useTz: true }).notNullable();
    t.index(['reset_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limits');
}
