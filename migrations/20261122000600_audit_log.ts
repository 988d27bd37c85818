import type { Knex } from 'knex';

export const name = '20261122000600_audit_log';

/** Who did what and when, for coordinator actions only: never a citizen's data. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.uuid('actor_id').nullable().references('accounts.id').onDelete('SET NULL');
    t.text('actor_email').nullable();
    t.text('action').notNullable();
    t.text('target').nullable();
    t.jsonb('details').notNullable().defaultTo('{}');
    t.index(['at']);
    t.index(['action', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_log');
}
