import type { Options, Store } from 'express-rate-limit';
import { batched } from './batch.js';
import { prepared, type Db } from './knex.js';

/** A request's hit on a limit, for a statement that counts it itself (see countHitsFrom). */
export interface LimitHit {
  /** The counter's key in `rate_limits`. */
  key: string;
  /** The most hits its window allows. */
  limit: number;
  /** The window, for a counter that starts now. */
  seconds: number;
}

interface Hit {
  key: string;
  /** The counter's window, for a counter that starts now. */
  seconds: number;
}

/**
 * Counts hits into their counters: `source` selects `key, hits, seconds`, each key once. They
 * are counted in the order of the keys, so that two statements lock counters in the same order
 * and never deadlock. Returns each counter's `key`, `hits` after, and `reset_at`. A counter
 * whose window has passed starts again.
 */
export function countHitsFrom(source: string): string {
  return `insert into rate_limits (key, hits, reset_at)
  select key, hits, now() + make_interval(secs => seconds) from (${source}) as counted
   order by key
  on conflict (key) do update set
    hits = case when rate_limits.reset_at <= now() then excluded.hits
                else rate_limits.hits + excluded.hits end,
    reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at
                    else rate_limits.reset_at end
  returning key, hits, reset_at`;
}

const COUNT_HITS = countHitsFrom(
  `select key, hits, seconds
     from unnest($1::text[], $2::int[], $3::float8[]) as hit (key, hits, seconds)`,
);

/** Counts hits, many in one statement: each key once, with its number of hits. */
async function countHits(db: Db, hits: Hit[]): Promise<{ hits: number; resetAt: Date }[]> {
  const perKey = new Map<string, { seconds: number; hits: number }>();
  for (const hit of hits) {
    const counted = perKey.get(hit.key);
    if (counted) counted.hits++;
    else perKey.set(hit.key, { seconds: hit.seconds, hits: 1 });
  }
  const keys = [...perKey.keys()].sort();
  const rows = await prepared<{ key: string; hits: number; reset_at: Date }>(
    db,
    'count-rate-limit-hits',
    COUNT_HITS,
    [keys, keys.map((k) => perKey.get(k)!.hits), keys.map((k) => perKey.get(k)!.seconds)],
  );
  // Each hit of a key gets its own running total, in the order the hits came.
  const totals = new Map(rows.map((row) => [row.key, row]));
  const seen = new Map<string, number>();
  return hits.map((hit) => {
    const row = totals.get(hit.key)!;
    const before = seen.get(hit.key) ?? 0;
    seen.set(hit.key, before + 1);
    return { hits: row.hits - perKey.get(hit.key)!.hits + before + 1, resetAt: row.reset_at };
  });
}

/** One batch of hits per database, shared by every limiter of the process (see batched). */
const counters = new WeakMap<Db, (hit: Hit) => Promise<{ hits: number; resetAt: Date }>>();
function countersOf(db: Db) {
  let count = counters.get(db);
  if (!count) {
    count = batched((hits: Hit[]) => countHits(db, hits));
    counters.set(db, count);
  }
  return count;
}

/**
 * An express-rate-limit store in PostgreSQL, so that limits hold across app processes.
 * Keys arrive already hashed (see web/middleware/rate-limit.ts); rows live for one window.
 * Hits arriving while a statement is under way are counted together in the next one.
 */
export class PgRateLimitStore implements Store {
  localKeys = false;
  prefix: string;
  private windowMs = 60_000;

  constructor(
    private readonly db: Db,
    prefix: string,
  ) {
    this.prefix = `${prefix}:`;
  }

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async increment(key: string): Promise<{ totalHits: number; resetTime: Date }> {
    const counted = await countersOf(this.db)({
      key: this.prefix + key,
      seconds: this.windowMs / 1000,
    });
    return { totalHits: counted.hits, resetTime: counted.resetAt };
  }

  async decrement(key: string): Promise<void> {
    await this.db('rate_limits')
      .where('key', this.prefix + key)
      .decrement('hits', 1);
  }

  async resetKey(key: string): Promise<void> {
    await this.db('rate_limits')
      .where('key', this.prefix + key)
      .delete();
  }

  /** Removes expired counters; called now and then so the table stays small. */
  static async purgeExpired(db: Db): Promise<number> {
    return db('rate_limits').where('reset_at', '<=', db.fn.now()).delete();
  }
}
