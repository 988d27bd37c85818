import type { Knex } from 'knex';

export const name = '20261122001000_result_aggregates';

/**
 * Maintained aggregates, so results never scan the answers: per question, row and answer, and
 * per breakdown group, how many respondents and the sum of their record keys (for the cell key
 * method, modulo 2^32). Responses are folded in by batches of at least k (docs/disclosure-control.md);
 * `aggregated` marks those already counted. Withdrawals of counted responses wait in
 * result_adjustments until the next batch, so numbers never move by one person.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('responses', (t) => {
    t.boolean('aggregated').notNullable().defaultTo(false);
  });
  await knex.raw(
    'create index responses_pending_idx on responses (questionnaire_id) where not aggregated',
  );
  for (const table of ['result_cells', 'result_adjustments']) {
    await knex.schema.createTable(table, (t) => {
      t.uuid('questionnaire_id').notNullable().references('questionnaires.id').onDelete('CASCADE');
      if (table === 'result_adjustments') t.uuid('withdrawal_id').notNullable();
      t.text('question_key').notNullable();
      t.text('item').notNullable();
      t.text('value').notNullable();
      /** '' for everyone, '$language', or the key of a dimension question. */
      t.text('dimension').notNullable();
      t.text('group_value').notNullable();
      t.bigint('count').notNullable();
      t.bigint('key_sum').notNullable();
      if (table === 'result_cells')
        t.primary([
          'questionnaire_id',
          'dimension',
          'question_key',
          'item',
          'value',
          'group_value',
        ]);
      else t.index(['questionnaire_id']);
    });
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('result_adjustments');
  await knex.schema.dropTable('result_cells');
  await knex.raw('drop index if exists responses_pending_idx');
  await knex.schema.alterTable('responses', (t) => t.dropColumn('aggregated'));
}
