import type { Knex } from 'knex';

export const name = '20261123000800_submissions_expanded_later';

/**
 * A submission can be stored as one row: the response with its answer rows in one column
 * (`responses.answer_rows`), made into rows of `answers` a moment later (src/db/answer-rows.ts),
 * by housekeeping and by every fold before it counts. Inserting a submission's 30-odd answer
 * rows at once was most of what PostgreSQL spent on a submission.
 *
 * A draft keeps the answer rows its submission would store (`drafts.answer_rows`: pruned of
 * hidden questions, numbers as bands, texts redacted, exactly what `answers` holds) while it is
 * complete, and none (null) while it is not: written with every save, so that submitting it
 * needs no reading and checking it first. Both hold a JSON array of
 * `[question_key, item, value, free_text]`, in the order of their ordinals.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table responses add column if not exists answer_rows jsonb');
  await knex.raw('alter table drafts add column if not exists answer_rows jsonb');
}

export async function down(knex: Knex): Promise<void> {
  // Rows still waiting are made first: they exist nowhere else.
  await knex.raw(
    `insert into answers
       (questionnaire_id, response_id, ordinal, question_key, item, value, free_text)
     select r.questionnaire_id, r.id, (e.n - 1)::smallint, e.a ->> 0, e.a ->> 1, e.a ->> 2,
            (e.a ->> 3)::boolean
       from responses r
            cross join lateral jsonb_array_elements(r.answer_rows) with ordinality as e (a, n)
      where r.answer_rows is not null`,
  );
  await knex.raw('alter table drafts drop column if exists answer_rows');
  await knex.raw('alter table responses drop column if exists answer_rows');
}
