import type { Knex } from 'knex';

export const name = '20261123000300_result_generations';

/**
 * A counter per questionnaire that every fold of its aggregates moves on, so that app processes
 * can keep protected results in memory and know from one small read whether they still hold
 * (src/services/results-cache.ts). It says nothing about when or how many responses came in.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('result_generations', (t) => {
    t.uuid('questionnaire_id').primary().references('questionnaires.id').onDelete('CASCADE');
    t.bigint('generation').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('result_generations');
}
