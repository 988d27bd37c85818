import session from 'express-session';
import type { Db } from './knex.js';

/** How far a session's expiry must move before a touch writes it. */
const TOUCH_STEP_MS = 60_000;

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

  /**
   * Every request of a signed-in coordinator touches the session; moving its expiry at most once
   * a minute spares a write per page view (and the row's lock, when a page loads many things at
   * once). A session may so end up to a minute before its idle time, never after it.
   */
  override touch(sid: string, data: session.SessionData, callback?: () => void): void {
    const expire = this.expiry(data);
    this.db('admin_sessions')
      .where('sid', sid)
      .andWhere('expire', '<', new Date(expire.getTime() - TOUCH_STEP_MS))
      .update({ expire })
      .then(
        () => callback?.(),
        () => callback?.(),
      );
  }

  static async purgeExpired(db: Db): Promise<number> {
    return db('admin_sessions').where('expire', '<=', db.fn.now()).delete();
  }
}
