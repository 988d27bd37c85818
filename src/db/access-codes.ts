import type { Knex } from 'knex';
import type { Db } from './knex.js';

const BATCH = 1000;

/**
 * Marks a code used, inside the transaction that stores the response it unlocked. False when
 * it was already used (by another draft started with the same code): the caller rolls back.
 */
export async function useAccessCode(
  trx: Knex.Transaction,
  questionnaireId: string,
  codeHash: string,
): Promise<boolean> {
  const updated = await trx('access_codes')
    .where({ questionnaire_id: questionnaireId, code_hash: codeHash, used: false })
    .update({ used: true });
  return updated > 0;
}

/** Keyed hashes of one-time access codes and whether each was used; no time, no order. */
export function accessCodeRepository(db: Db) {
  return {
    /**
     * Stores the hashes in batches, in one transaction; returns those that were new (a clash
     * with an existing code is astronomically unlikely, but it must not give out a dead code).
     */
    async insert(questionnaireId: string, codeHashes: string[]): Promise<Set<string>> {
      return db.transaction(async (trx) => {
        const stored = new Set<string>();
        for (let i = 0; i < codeHashes.length; i += BATCH) {
          const rows = (await trx('access_codes')
            .insert(
              codeHashes
                .slice(i, i + BATCH)
                .map((hash) => ({ questionnaire_id: questionnaireId, code_hash: hash })),
            )
            .onConflict(['questionnaire_id', 'code_hash'])
            .ignore()
            .returning('code_hash')) as { code_hash: string }[];
          for (const row of rows) stored.add(row.code_hash);
        }
        return stored;
      });
    },

    async isUnused(questionnaireId: string, codeHash: string): Promise<boolean> {
      const row = await db('access_codes')
        .where({ questionnaire_id: questionnaireId, code_hash: codeHash, used: false })
        .first('used');
      return row !== undefined;
    },

    async counts(questionnaireId: string): Promise<{ total: number; used: number }> {
      const row = (await db('access_codes')
        .where('questionnaire_id', questionnaireId)
        .first(db.raw('count(*) as total'), db.raw('count(*) filter (where used) as used'))) as
        { total: string; used: string } | undefined;
      return { total: Number(row?.total ?? 0), used: Number(row?.used ?? 0) };
    },
  };
}

export type AccessCodeRepository = ReturnType<typeof accessCodeRepository>;
