import type { Knex } from 'knex';

export const name = '20261123000500_long_answers';

/** Dropping an index of a large table without stopping submissions: outside a transaction. */
export const config = { transaction: false };

/**
 * 1. The index of answers by (questionnaire, question, item, value) refused any answer longer
 *    than a B-tree entry may be (about 2,700 bytes): a free text of 1,000 characters in a
 *    script of three bytes a character failed to store. No query reads answers by value any
 *    more (folds read them by response, free text by its position index), so it goes.
 * 2. Folds before 20261123000300 counted free-text answers into the aggregates, one cell per
 *    distinct text; they are never shown, and retention must not leave them behind. The cells of
 *    every question that a published version declares as `text` are deleted.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'drop index concurrently if exists answers_questionnaire_id_question_key_item_value_index',
  );
  // The keys of text questions, in any published or draft version of the same questionnaire.
  const textQuestions = `
    select 1
      from questionnaire_versions v,
           jsonb_array_elements(v.definition -> 'sections') as s,
           jsonb_array_elements(s -> 'questions') as q
     where v.questionnaire_id = c.questionnaire_id
       and q ->> 'type' = 'text' and q ->> 'key' = c.question_key`;
  await knex.raw(`delete from result_cells c where exists (${textQuestions})`);
  await knex.raw(`delete from result_adjustments c where exists (${textQuestions})`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    `create index concurrently if not exists answers_questionnaire_id_question_key_item_value_index
       on answers (questionnaire_id, question_key, item, left(value, 200))`,
  );
}
