import { expect } from 'vitest';
import type { Db } from '../../src/db/knex.js';

/** How many statements holding `statement` in their text wait for a lock. */
export async function waitingForLock(db: Db, statement: string): Promise<number> {
  const { rows } = (await db.raw(
    `select count(*) as n from pg_stat_activity
      where wait_event_type = 'Lock' and query like ?`,
    [`%${statement}%`],
  )) as { rows: { n: string }[] };
  return Number(rows[0]?.n);
}

/**
 * Starts a fold while another transaction holds the cells, so that the fold stops once it has
 * taken its first batch off the waiting list (and holds those rows); runs `meanwhile` then, lets
 * the cells go, and answers what the fold folded and what `meanwhile` gave.
 */
export async function whileAFoldHoldsItsBatch<T>(
  db: Db,
  fold: () => Promise<number>,
  meanwhile: () => Promise<T>,
): Promise<{ folded: number; meanwhile: T }> {
  const holder = await db.transaction();
  let folding: Promise<number> | undefined;
  try {
    await holder.raw('lock table result_cells in exclusive mode');
    folding = fold();
    await expect.poll(() => waitingForLock(db, 'update result_cells'), { timeout: 5000 }).toBe(1);
    const given = await meanwhile();
    await holder.commit();
    return { folded: await folding, meanwhile: given };
  } finally {
    if (!holder.isCompleted()) {
      await holder.commit();
      await folding?.catch(() => undefined);
    }
  }
}
