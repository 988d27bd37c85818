import type { Knex } from 'knex';

export const name = '20261122000800_stale_translations';

/** Per version: texts whose source changed after they were translated, by language. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('questionnaire_versions', (t) => {
    t.jsonb('stale').notNullable().defaultTo('{}');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('questionnaire_versions', (t) => t.dropColumn('stale'));
}
