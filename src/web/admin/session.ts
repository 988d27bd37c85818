import type { NextFunction, Request, Response } from 'express';
import session from 'express-session';
import { PgSessionStore } from '../../db/sessions.js';
import type { Deps } from '../../deps.js';

declare module 'express-session' {
  interface SessionData {
    accountId: string;
    /** When the session was signed in: sessions end after ABSOLUTE_MS whatever the activity. */
    signedInAt: number;
  }
}

export const IDLE_MS = 30 * 60_000;
export const ABSOLUTE_MS = 12 * 60 * 60_000;

/** The cookie name: `__Host-` prefixed whenever the app is served over https. */
export const sessionCookieName = (secure: boolean) =>
  secure ? '__Host-consulta_admin' : 'consulta_admin';

/** Sessions for coordinators only (citizens never get one), stored in PostgreSQL. */
export function adminSession(deps: Deps) {
  const { settings } = deps;
  return session({
    name: sessionCookieName(settings.secureCookies),
    secret: settings.secret,
    store: new PgSessionStore(deps.db, IDLE_MS),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: settings.secureCookies,
      path: '/',
      maxAge: IDLE_MS,
    },
  });
}

/** Puts the signed-in account in res.locals.account; ends disabled or too old sessions. */
export function loadAccount(deps: Deps) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const { accountId, signedInAt } = req.session;
    if (!accountId) return next();
    const account = await deps.accounts.find(accountId);
    if (!account || account.disabled || !signedInAt || Date.now() - signedInAt > ABSOLUTE_MS) {
      await new Promise<void>((resolve) => req.session.destroy(() => resolve()));
      return next();
    }
    res.locals.account = account;
    next();
  };
}

/** A new session id at sign-in, so a session fixed before sign-in is worthless after it. */
export function startSession(req: Request, accountId: string): Promise<void> {
  return new Promise((resolve, reject) =>
    req.session.regenerate((err) => {
      if (err) return reject(err as Error);
      req.session.accountId = accountId;
      req.session.signedInAt = Date.now();
      req.session.save((saveErr) => (saveErr ? reject(saveErr as Error) : resolve()));
    }),
  );
}

export function endSession(req: Request): Promise<void> {
  return new Promise((resolve) => req.session.destroy(() => resolve()));
}
