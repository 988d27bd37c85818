import type { ResponseRow } from '../domain/questionnaire/journey.js';

/** One answer row as a response keeps it: `[question_key, item, value, free_text]`. */
export type AnswerRow = [string, string, string, boolean];

/**
 * A response's answer rows as one JSON value (`responses.answer_rows`, `drafts.answer_rows`):
 * an array of AnswerRow, in the order of their ordinals (an answer's ordinal is its index).
 */
export function answerRows(rows: readonly ResponseRow[]): AnswerRow[] {
  return rows.map((r) => [r.questionKey, r.item, r.value, r.freeText === true]);
}

/**
 * A CTE body inserting into `answers` the free-text answers of the responses a statement has
 * just stored (`stored`: questionnaire_id, id, answer_rows), so that the text pages can read
 * them by their position index. Every other answer lives only in its response's row.
 */
export const INSERT_TEXTS_OF_STORED = `insert into answers
    (questionnaire_id, response_id, ordinal, question_key, item, value, free_text)
  select s.questionnaire_id, s.id, (e.n - 1)::smallint, e.a ->> 0, e.a ->> 1, e.a ->> 2, true
    from stored s
         cross join lateral jsonb_array_elements(s.answer_rows) with ordinality as e (a, n)
   where (e.a ->> 3)::boolean`;
