import type { Knex } from 'knex';

export const name = '20261123000200_abandoned_starts';

/**
 * Abandoned starts (drafts that expired unsubmitted) waiting to join the results: per
 * questionnaire only a count and the sum, modulo 2^32, of a fresh random 32-bit record key per
 * draft, for the cell key method. They join result_cells as '$abandoned' in steps of at least k,
 * like responses (docs/results-statistics.md). No time, no draft: only these two numbers.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('result_abandoned_pending', (t) => {
    t.uuid('questionnaire_id').primary().references('questionnaires.id').onDelete('CASCADE');
    t.bigint('count').notNullable();
    t.bigint('key_sum').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('result_abandoned_pending');
}
