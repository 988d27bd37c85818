import type { Knex } from 'knex';

export const name = '20261122000900_access_codes';

/**
 * One-time access codes (DESIGN.md §4.2): only a keyed hash per code and whether it was used.
 * No time and no sequence, so the order and moment of use cannot be read back; nothing in the
 * response tables points here. A draft remembers the hash of the code that unlocked it until it
 * is submitted (and deleted).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('access_codes', (t) => {
    t.uuid('questionnaire_id').notNullable().references('questionnaires.id').onDelete('CASCADE');
    t.text('code_hash').notNullable();
    t.boolean('used').notNullable().defaultTo(false);
    t.primary(['questionnaire_id', 'code_hash']);
  });
  await knex.schema.alterTable('drafts', (t) => {
    t.text('access_code_hash').nullable();
    t.foreign(['questionnaire_id', 'access_code_hash'])
      .references(['questionnaire_id', 'code_hash'])
      .inTable('access_codes')
      .onDelete('CASCADE');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('drafts', (t) => {
    t.dropForeign(['questionnaire_id', 'access_code_hash']);
    t.dropColumn('access_code_hash');
  });
  await knex.schema.dropTable('access_codes');
}
