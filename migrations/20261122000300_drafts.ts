import type { Knex } from 'knex';

export const name = '20261122000300_drafts';

/**
 * In-progress answers, apart from responses: keyed by the hash of a random cookie token,
 * optionally findable by the hash of a resume code, deleted on submission or when they expire.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('drafts', (t) => {
    t.text('token_hash').primary();
    t.uuid('questionnaire_id').notNullable().references('questionnaires.id').onDelete('CASCADE');
    t.uuid('version_id').notNullable().references('questionnaire_versions.id').onDelete('CASCADE');
    t.jsonb('answers').notNullable().defaultTo('{}');
    t.text('resume_hash').nullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('drafts');
}
