import type { Knex } from 'knex';

export const name = '20261122000200_responses';

/**
 * Submitted responses. By design (DESIGN.md §4.1) there is no IP, user agent, referrer,
 * session, sequential id or exact time here: a random id, the ISO week, the language, a random
 * record key for disclosure control and the hash of the citizen's receipt code. Every table is
 * keyed by questionnaire first, so it can be distributed by questionnaire (Citus).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('responses', (t) => {
    t.uuid('questionnaire_id').notNullable().references('questionnaires.id').onDelete('CASCADE');
    t.uuid('id').notNullable();
    t.uuid('version_id').notNullable().references('questionnaire_versions.id');
    t.text('language').notNullable();
    t.text('iso_week').notNullable();
    t.double('record_key').notNullable();
    t.text('receipt_hash').notNullable();
    t.primary(['questionnaire_id', 'id']);
    t.index(['receipt_hash']);
  });
  await knex.raw(
    "alter table responses add constraint responses_iso_week_check check (iso_week ~ '^[0-9]{4}-W[0-9]{2}$')",
  );
  await knex.raw(
    'alter table responses add constraint responses_record_key_check check (record_key >= 0 and record_key < 1)',
  );
  await knex.schema.createTable('answers', (t) => {
    t.uuid('questionnaire_id').notNullable();
    t.uuid('response_id').notNullable();
    t.smallint('ordinal').notNullable();
    t.text('question_key').notNullable();
    t.text('item').notNullable().defaultTo('');
    t.text('value').notNullable();
    t.primary(['questionnaire_id', 'response_id', 'ordinal']);
    t.foreign(['questionnaire_id', 'response_id'])
      .references(['questionnaire_id', 'id'])
      .inTable('responses')
      .onDelete('CASCADE');
    t.index(['questionnaire_id', 'question_key', 'item', 'value']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('answers');
  await knex.schema.dropTable('responses');
}
