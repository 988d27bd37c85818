import type { Options, Store } from 'express-rate-limit';
import type { Db } from './knex.js';

/**
 * An express-rate-limit store in PostgreSQL, so that limits hold across app processes.
 * Keys arrive already hashed (see web/middleware/rate-limit.ts); rows live for one window.
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
    const result = await this.db.raw<{ rows: { hits: number; reset_at: Date }[] }>(
      `insert into rate_limits (key, hits, reset_at)
       values (?, 1, now() + make_interval(secs => ?))
       on conflict (key) do update set
         hits = case when rate_limits.reset_at <= now() then 1 else rate_limits.hits + 1 end,
         reset_at = case when rate_limits.reset_at <= now() then excluded.reset_at else rate_limits.reset_at end
       returning hits, reset_at`,
      [this.prefix + key, this.windowMs / 1000],
    );
    const row = result.rows[0]!;
    return { totalHits: row.hits, resetTime: row.reset_at };
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
