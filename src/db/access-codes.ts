import type { Knex } from 'knex';
import type { Db } from './knex.js';

const BATCH = 1000;

/** How many other used codes are rewritten with a code just used (its anonymity set). */
export const REWRITE_PEERS = 64;

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
  /**
   * Writes every used code of the questionnaire again in one transaction, so they all share one
   * transaction id and none can be told apart by it. Returns the number of rows rewritten.
   */
  async function rewriteAllUsed(questionnaireId: string): Promise<number> {
    return db.transaction(async (trx): Promise<number> =>
      trx('access_codes')
        .where({ questionnaire_id: questionnaireId, used: true })
        .update({ used: true }),
    );
  }

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

    /**
     * Writes the row of a code that was just used again, in a transaction of its own, together
     * with up to `peers` other used codes of the questionnaire picked at random. PostgreSQL
     * stamps every row version with the id of the transaction that wrote it (`xmin`); the code
     * was marked used in the transaction that stored the response, so until now its row carried
     * the response's transaction id. Afterwards it carries one shared with its peers, and its
     * new place in the table is theirs too. Nothing changes but the row versions: only rows
     * already used are touched, and they stay used. Returns the number of rows rewritten.
     *
     * The code's own row is locked first and the peers are taken with `skip locked`, so two
     * submissions rewriting at once never wait on each other in a cycle (no deadlock).
     */
    async rewriteUsed(
      questionnaireId: string,
      codeHash: string,
      peers = REWRITE_PEERS,
    ): Promise<number> {
      return db.transaction(async (trx): Promise<number> => {
        const own = (await trx('access_codes')
          .where({ questionnaire_id: questionnaireId, code_hash: codeHash, used: true })
          .forUpdate()
          .pluck('code_hash')) as string[];
        const others = (await trx('access_codes')
          .where({ questionnaire_id: questionnaireId, used: true })
          .whereNot('code_hash', codeHash)
          .orderByRaw('random()')
          .limit(peers)
          .forUpdate()
          .skipLocked()
          .pluck('code_hash')) as string[];
        const hashes = [...own, ...others];
        if (hashes.length === 0) return 0;
        return trx('access_codes')
          .where({ questionnaire_id: questionnaireId, used: true })
          .whereIn('code_hash', hashes)
          .update({ used: true });
      });
    },

    rewriteAllUsed,

    /**
     * Rewrites all used codes of each questionnaire that no longer accepts answers (closed,
     * archived or back to draft) whose used codes do not yet share one transaction id. Nothing
     * to do once that is so, until a code is used again. Returns the questionnaires rewritten.
     */
    async rewriteNotOpen(): Promise<string[]> {
      const pending = (await db('access_codes as a')
        .join('questionnaires as q', 'q.id', 'a.questionnaire_id')
        .whereNot('q.status', 'open')
        .andWhere('a.used', true)
        .groupBy('a.questionnaire_id')
        .havingRaw('count(distinct a.xmin::text) > 1')
        .pluck('a.questionnaire_id')) as string[];
      for (const id of pending) await rewriteAllUsed(id);
      return pending;
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
