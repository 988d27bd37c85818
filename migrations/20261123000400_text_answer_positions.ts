import type { Knex } from 'knex';

export const name = '20261123000400_text_answer_positions';

/**
 * Built without locking out submissions, so this migration runs outside a transaction: on a
 * running consultation with millions of answers, a plain CREATE INDEX would hold every new
 * response back for as long as it takes.
 */
export const config = { transaction: false };

/**
 * Coordinators read free-text answers a page at a time, in an order that is neither the order
 * they came in nor the same for two questions: the first 64 bits of an MD5 of the response id
 * and the question key. This index serves that order for one question of one questionnaire,
 * so a page costs the same at any depth, and the count of a question's texts reads this index
 * alone (src/db/text-answers.ts repeats the expression, and a test checks that its queries use
 * this index). The text itself is not indexed: an index entry
 * holds at most about 2,700 bytes, and a long answer can be longer.
 */
export async function up(knex: Knex): Promise<void> {
  // A build that failed half-way leaves an invalid index behind; start again from nothing.
  await knex.raw('drop index concurrently if exists answers_text_position_idx');
  await knex.raw(
    `create index concurrently answers_text_position_idx on answers
       (questionnaire_id, question_key,
        (('x' || left(md5(response_id::text || question_key), 16))::bit(64)::bigint))
     where item = ''`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index concurrently if exists answers_text_position_idx');
}
