import type { Knex } from 'knex';

export const name = '20261122000500_accounts';

/** Coordinator, analyst and administrator accounts, invitation tokens and their sessions. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('accounts', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('email').notNullable().unique();
    t.text('password_hash').nullable();
    t.text('role').notNullable();
    t.specificType('countries', 'text[]').notNullable().defaultTo('{}');
    t.boolean('disabled').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    "alter table accounts add constraint accounts_role_check check (role in ('admin','coordinator','analyst'))",
  );
  await knex.raw(
    'alter table accounts add constraint accounts_email_lower check (email = lower(email))',
  );
  await knex.schema.createTable('account_tokens', (t) => {
    t.text('token_hash').primary();
    t.uuid('account_id').notNullable().references('accounts.id').onDelete('CASCADE');
    t.timestamp('expires_at', { useTz: true }).notNullable();
  });
  // The table connect-pg-simple expects, under our own name.
  await knex.schema.createTable('admin_sessions', (t) => {
    t.string('sid').primary();
    t.json('sess').notNullable();
    t.timestamp('expire', { precision: 6 }).notNullable();
    t.index(['expire']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('admin_sessions');
  await knex.schema.dropTable('account_tokens');
  await knex.schema.dropTable('accounts');
}
