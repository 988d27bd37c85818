import session from 'express-session';
import type { Db } from './knex.js';

/**
 * Coordinator sessions in PostgreSQL (table admin_sessions, the layout connect-pg-simple uses),
 * through the app's own knex pool, so that every app process shares them.
 */
export class PgSessionStore extends session.Store {
  constructor(
    private readonly db: Db,
    private readonly ttlMs: number,
  ) {
    super();
  }

  private expiry(data: session.SessionData): Date {
    const maxAge = data.cookie?.maxAge;
    return new Date(Date.now() + (typeof maxAge === 'number' ? maxAge : this.ttlMs));
  }

  override get(
    sid: string,
    callback: (err: unknown, data?: session.SessionData | null) => void,
  ): void {
    this.db('admin_sessions')
      .where('sid', sid)
      .andWhere('expire', '>', this.db.fn.now())
      .first('sess')
      .then(
        (row: { sess: session.SessionData } | undefined) => callback(null, row?.sess ?? null),
        callback,
      );
  }

  override set(sid: string, data: session.SessionData, callback?: (err?: unknown) => void): void {
    this.db('admin_sessions')
      .insert({ sid, sess: JSON.stringify(data), expire: this.expiry(data) })
      .onConflict('sid')
      .merge()
      .then(
        () => callback?.(),
        (err: unknown) => callback?.(err),
      );
  }

  override destroy(sid: string, callback?: (err?: unknown) => void): void {
    this.db('admin_sessions')
      .where('sid', sid)
      .delete()
      .then(
        () => callback?.(),
        (err: unknown) => callback?.(err),
      );
  }

  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    this.db('admin_sessions')
      .where('sid', sid)
      .update({ expire: this.expiry(data) })
      .then(
        () => callback?.(),
        () => callback?.(),
      );
  }

  static async purgeExpired(db: Db): Promise<number> {
    return db('admin_sessions').where('expire', '<=', db.fn.now()).delete();
  }
}
