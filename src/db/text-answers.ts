import { folded } from './aggregates.js';
import type { Db } from './knex.js';

/** One free-text answer as coordinators may read it: the text, its language, its place. */
export interface TextAnswerRow {
  value: string;
  language: string;
  /** Where it stands in the list (see POSITION); says nothing about the response. */
  position: bigint;
}

/** A place in the list: the rows after it, or the rows before it. */
export type TextCursor = { after: bigint } | { before: bigint } | null;

/**
 * An answer's place in the list: the first 64 bits of an MD5 of its response id and question
 * key. Unrelated to when it came and different for every question, so two lists cannot be lined
 * up to join one person's texts. The same expression as the index answers_free_text_position_idx
 * (migration 20261123000600_free_text_rows); tests/integration/results-texts.test.ts
 * checks that the page's query uses it.
 */
const POSITION = `cast(cast('x' || left(md5(cast(a.response_id as text) || a.question_key), 16)
  as bit(64)) as bigint)`;

/** Free-text answers of responses already in the published numbers, a page at a time. */
export function textAnswerRepository(db: Db) {
  return {
    /**
     * How many answers to a question belong to responses already in the published numbers
     * (folded, so counted in batches of at least k): every answer, read from the position index
     * alone, less those of the few responses still waiting for a fold. One statement, so both
     * counts see the same fold.
     */
    async answered(questionnaireId: string, questionKey: string): Promise<number> {
      const [row] = (
        await db.raw(
          `select (select count(*) from answers a
                    where a.questionnaire_id = :questionnaire and a.question_key = :question
                      and a.free_text)
                - (select count(*) from responses_waiting w
                     join answers a
                       on a.questionnaire_id = w.questionnaire_id and a.response_id = w.response_id
                    where w.questionnaire_id = :questionnaire
                      and a.question_key = :question and a.free_text) as answered`,
          { questionnaire: questionnaireId, question: questionKey },
        )
      ).rows as { answered: string }[];
      return Number(row?.answered ?? 0);
    },

    /**
     * Up to `limit` answers after (or before) a cursor, in the order of their positions. Only
     * answers of responses folded into the published numbers, so texts arrive in the same
     * batches of at least k as the numbers do.
     */
    async page(
      questionnaireId: string,
      questionKey: string,
      cursor: TextCursor,
      limit: number,
    ): Promise<TextAnswerRow[]> {
      const backwards = cursor !== null && 'before' in cursor;
      const bound =
        cursor === null ? '' : `and ${POSITION} ${backwards ? '<' : '>'} cast(:cursor as bigint)`;
      const direction = backwards ? 'desc' : 'asc';
      const rows = (
        await db.raw(
          `select a.value, r.language, cast(${POSITION} as text) as position
             from answers a
             join responses r on r.questionnaire_id = a.questionnaire_id and r.id = a.response_id
            where a.questionnaire_id = :questionnaire and a.question_key = :question
              and a.free_text ${bound}
              and ${folded('a.questionnaire_id', 'a.response_id')}
            order by ${POSITION} ${direction}, a.response_id ${direction}
            limit :limit`,
          {
            questionnaire: questionnaireId,
            question: questionKey,
            cursor:
              cursor === null ? null : String('after' in cursor ? cursor.after : cursor.before),
            limit,
          },
        )
      ).rows as { value: string; language: string; position: string }[];
      const found = rows.map((r) => ({
        value: r.value,
        language: r.language,
        position: BigInt(r.position),
      }));
      return backwards ? found.reverse() : found;
    },
  };
}

export type TextAnswerRepository = ReturnType<typeof textAnswerRepository>;
