import type { ResponseRow } from '../domain/questionnaire/journey.js';
import type { Db } from './knex.js';

/**
 * A response's answer rows as one JSON value (`drafts.answer_rows`, `responses.answer_rows`):
 * an array of `[question_key, item, value, free_text]`, in the order of their ordinals.
 */
export function answerRows(rows: readonly ResponseRow[]): [string, string, string, boolean][] {
  return rows.map((r) => [r.questionKey, r.item, r.value, r.freeText === true]);
}

/**
 * Makes the answer rows kept in one column of up to `limit` responses (every submission stores
 * its response so, see db/responses.ts) into rows of `answers`, in one statement: those of one
 * questionnaire, or of any when `questionnaireId` is undefined. Only responses not yet counted
 * can hold them. Responses another transaction is making are skipped; those made here stay
 * locked until the caller's transaction ends, so a withdrawal waits, then deletes the rows too.
 * Returns how many responses it made.
 */
export async function makeAnswerRows(
  on: Db,
  questionnaireId: string | undefined,
  limit: number,
): Promise<number> {
  const result = await on.raw<{ rows: { made: number }[] }>(
    `with picked as (
       select questionnaire_id, id, answer_rows from responses
        where ${questionnaireId === undefined ? '' : 'questionnaire_id = :q and'}
              not aggregated and answer_rows is not null
        limit :limit for update skip locked
     ), made as (
       insert into answers
         (questionnaire_id, response_id, ordinal, question_key, item, value, free_text)
       select p.questionnaire_id, p.id, (e.n - 1)::smallint, e.a ->> 0, e.a ->> 1, e.a ->> 2,
              (e.a ->> 3)::boolean
         from picked p
              cross join lateral jsonb_array_elements(p.answer_rows) with ordinality as e (a, n)
     ), emptied as (
       update responses r set answer_rows = null
         from picked p where r.questionnaire_id = p.questionnaire_id and r.id = p.id
       returning 1
     )
     select count(*)::int as made from emptied`,
    { q: questionnaireId ?? null, limit },
  );
  return result.rows[0]?.made ?? 0;
}
