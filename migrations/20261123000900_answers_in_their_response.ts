import type { Knex } from 'knex';

export const name = '20261123000900_answers_in_their_response';

/**
 * A response keeps all its answer rows in its own row (`responses.answer_rows`, a JSON array of
 * `[question_key, item, value, free_text]` in the order of their ordinals), and no longer as
 * rows of `answers`: the fold counts them from there, a withdrawal takes them back from there.
 * A million responses were 37 million rows of `answers` (5.7 GB with their indexes); writing
 * them was most of what PostgreSQL spent on loading and folding, and a row each is nothing any
 * query needs.
 *
 * Only free-text answers are also rows of `answers`, written by the same statement as their
 * response: the text pages read them a page at a time by their position index. `answers` holds
 * nothing else from now on (a check says so).
 */
export async function up(knex: Knex): Promise<void> {
  // Nothing else writes responses or answers meanwhile (an older release still serving would
  // store responses the steps below miss): submissions wait for this transaction; reads go on.
  await knex.raw('lock table responses, answers in exclusive mode');
  // Responses still waiting for their rows (20261123000800) get their free-text rows now.
  await knex.raw(
    `insert into answers
       (questionnaire_id, response_id, ordinal, question_key, item, value, free_text)
     select r.questionnaire_id, r.id, (e.n - 1)::smallint, e.a ->> 0, e.a ->> 1, e.a ->> 2, true
       from responses r
            cross join lateral jsonb_array_elements(r.answer_rows) with ordinality as e (a, n)
      where r.answer_rows is not null and (e.a ->> 3)::boolean`,
  );
  // Every other response gets its rows back in one column.
  await knex.raw(
    `update responses r
        set answer_rows = coalesce((
              select jsonb_agg(jsonb_build_array(a.question_key, a.item, a.value, a.free_text)
                               order by a.ordinal)
                from answers a
               where a.questionnaire_id = r.questionnaire_id and a.response_id = r.id), '[]')
      where r.answer_rows is null`,
  );
  await knex.raw('delete from answers where not free_text');
  await knex.raw('alter table responses alter column answer_rows set not null');
  await knex.raw('alter table answers add constraint answers_free_text_only check (free_text)');
}

export async function down(knex: Knex): Promise<void> {
  // Back to 20261123000800: every response's rows made, its column emptied.
  await knex.raw('lock table responses, answers in exclusive mode');
  await knex.raw('alter table answers drop constraint if exists answers_free_text_only');
  await knex.raw('alter table responses alter column answer_rows drop not null');
  await knex.raw(
    `insert into answers
       (questionnaire_id, response_id, ordinal, question_key, item, value, free_text)
     select r.questionnaire_id, r.id, (e.n - 1)::smallint, e.a ->> 0, e.a ->> 1, e.a ->> 2,
            (e.a ->> 3)::boolean
       from responses r
            cross join lateral jsonb_array_elements(r.answer_rows) with ordinality as e (a, n)
      where not (e.a ->> 3)::boolean`,
  );
  await knex.raw('update responses set answer_rows = null');
}
