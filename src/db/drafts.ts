import type { Answers, ResponseRow } from '../domain/questionnaire/journey.js';
import { addAbandonedInto } from './aggregates.js';
import { answerRows } from './answer-rows.js';
import { batched } from './batch.js';
import { prepared, type Db } from './knex.js';

export interface Draft {
  tokenHash: string;
  questionnaireId: string;
  versionId: string;
  answers: Answers;
  /** The access code that unlocked the draft (access-code questionnaires), until submission. */
  accessCodeHash: string | null;
}

interface Row {
  token_hash: string;
  questionnaire_id: string;
  version_id: string;
  answers: Answers;
  access_code_hash: string | null;
}

const toDraft = (row: Row): Draft => ({
  tokenHash: row.token_hash,
  questionnaireId: row.questionnaire_id,
  versionId: row.version_id,
  answers: row.answers,
  accessCodeHash: row.access_code_hash,
});

const FIND_DRAFTS = `select token_hash, questionnaire_id, version_id, answers, access_code_hash
  from drafts where token_hash = any($1::text[]) and expires_at > now()`;

export function draftRepository(db: Db) {
  const live = () => db('drafts').where('expires_at', '>', db.fn.now());
  return {
    async create(draft: Omit<Draft, 'answers'>, ttlHours: number): Promise<void> {
      await db('drafts').insert({
        token_hash: draft.tokenHash,
        questionnaire_id: draft.questionnaireId,
        version_id: draft.versionId,
        answers: '{}',
        access_code_hash: draft.accessCodeHash,
        expires_at: db.raw(`now() + make_interval(hours => ?)`, [ttlHours]),
      });
    },

    /** A live draft by its token's hash; the drafts asked for meanwhile are read together. */
    find: batched(async (tokenHashes: string[]): Promise<(Draft | undefined)[]> => {
      const rows = await prepared<Row>(db, 'find-drafts', FIND_DRAFTS, [[...new Set(tokenHashes)]]);
      const byHash = new Map(rows.map((row) => [row.token_hash, row]));
      return tokenHashes.map((hash) => {
        const row = byHash.get(hash);
        return row && toDraft(row);
      });
    }),

    /**
     * `rows`: when the draft can be submitted as it is (every required question it shows is
     * answered), the answer rows its submission stores, kept with it so that a submission may
     * store them without reading and checking it (see responses.submitDraft); else undefined.
     */
    async saveAnswers(
      tokenHash: string,
      answers: Answers,
      rows: readonly ResponseRow[] | undefined,
    ): Promise<void> {
      await db('drafts')
        .where('token_hash', tokenHash)
        .update({
          answers: JSON.stringify(answers),
          answer_rows: rows === undefined ? null : JSON.stringify(answerRows(rows)),
        });
    },

    async setResumeHash(tokenHash: string, resumeHash: string): Promise<void> {
      await db('drafts').where('token_hash', tokenHash).update({ resume_hash: resumeHash });
    },

    /**
     * Moves a draft found by its resume code to a new cookie token. The resume code is used up:
     * saving again gives a new one.
     */
    async claimByResumeHash(
      questionnaireId: string,
      resumeHash: string,
      newTokenHash: string,
    ): Promise<Draft | undefined> {
      // Scoped to the questionnaire: a code typed on another questionnaire's page claims nothing.
      const [row] = (await live()
        .andWhere('questionnaire_id', questionnaireId)
        .andWhere('resume_hash', resumeHash)
        .update({ token_hash: newTokenHash, resume_hash: null })
        .returning([
          'token_hash',
          'questionnaire_id',
          'version_id',
          'answers',
          'access_code_hash',
        ])) as Row[];
      return row && toDraft(row);
    },

    /** Deletes expired drafts, counting each as an abandoned start of its questionnaire. */
    async deleteExpired(): Promise<number> {
      return db.transaction(async (trx) => {
        const gone = (await trx('drafts')
          .where('expires_at', '<=', trx.fn.now())
          .delete()
          .returning('questionnaire_id')) as { questionnaire_id: string }[];
        await addAbandonedInto(
          trx,
          gone.map((d) => d.questionnaire_id),
        );
        return gone.length;
      });
    },
  };
}

export type DraftRepository = ReturnType<typeof draftRepository>;
