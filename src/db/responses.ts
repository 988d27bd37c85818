import type { ResponseRow } from '../domain/questionnaire/journey.js';
import { useAccessCode } from './access-codes.js';
import { withdrawInto } from './aggregates.js';
import type { Db } from './knex.js';

/** Exactly what is stored about a submitted response: nothing else exists to store. */
export interface NewResponse {
  questionnaireId: string;
  id: string;
  versionId: string;
  language: string;
  isoWeek: string;
  recordKey: number;
  receiptHash: string;
  rows: ResponseRow[];
}

export function responseRepository(db: Db) {
  return {
    /**
     * Stores the response and its answers and deletes the draft, in one transaction. A draft
     * unlocked by an access code first uses the code up; when it was used meanwhile, nothing is
     * stored or deleted and the answer is 'code-used'. The response keeps nothing of the code.
     */
    async insert(
      response: NewResponse,
      draft: { tokenHash: string; accessCodeHash: string | null },
    ): Promise<'stored' | 'code-used'> {
      return db.transaction(async (trx) => {
        if (
          draft.accessCodeHash !== null &&
          !(await useAccessCode(trx, response.questionnaireId, draft.accessCodeHash))
        )
          return 'code-used';
        await trx('responses').insert({
          questionnaire_id: response.questionnaireId,
          id: response.id,
          version_id: response.versionId,
          language: response.language,
          iso_week: response.isoWeek,
          record_key: response.recordKey,
          receipt_hash: response.receiptHash,
        });
        if (response.rows.length > 0) {
          await trx('answers').insert(
            response.rows.map((row, ordinal) => ({
              questionnaire_id: response.questionnaireId,
              response_id: response.id,
              ordinal,
              question_key: row.questionKey,
              item: row.item,
              value: row.value,
            })),
          );
        }
        await trx('drafts').where('token_hash', draft.tokenHash).delete();
        return 'stored';
      });
    },

    /** Deletes the response a receipt belongs to (answers go with it). */
    async deleteByReceipt(receiptHash: string): Promise<boolean> {
      return db.transaction(async (trx) => {
        const found = (await trx('responses')
          .where('receipt_hash', receiptHash)
          .forUpdate()
          .first('questionnaire_id', 'id')) as { questionnaire_id: string; id: string } | undefined;
        if (!found) return false;
        // What it added to the results leaves them with the next batch, not at once.
        await withdrawInto(trx, found.questionnaire_id, found.id);
        await trx('responses')
          .where({ questionnaire_id: found.questionnaire_id, id: found.id })
          .delete();
        return true;
      });
    },
  };
}

export type ResponseRepository = ReturnType<typeof responseRepository>;
