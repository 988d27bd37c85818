import { createHmac } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { PgRateLimitStore, type LimitHit } from '../../db/rate-limits.js';
import type { Db } from '../../db/knex.js';
import { tooMany } from '../errors.js';
import { unreachableDatabase } from '../unavailable.js';

/** A limiter as middleware; `hitOf` tells the counter a request would count against. */
export type RateLimit = ((req: Request, res: Response, next: NextFunction) => void) & {
  hitOf: (req: Request) => LimitHit;
};

/**
 * A limiter shared by all app processes through PostgreSQL. The key is a keyed hash of the
 * client address (IPv6 by /56), so no address is stored, and counters last one window.
 */
export function sharedRateLimit(options: {
  db: Db;
  secret: string;
  name: string;
  windowMs: number;
  limit: number;
  /** Count only refused requests (status 400 and above), e.g. failed sign-ins. */
  skipSuccessfulRequests?: boolean;
  /** What to count by; the client address when absent. */
  key?: (req: Request) => string;
}): RateLimit {
  const store = new PgRateLimitStore(options.db, options.name);
  const keyOf = (req: Request) =>
    createHmac('sha256', options.secret)
      .update(options.key ? `key:${options.key(req)}` : ipKeyGenerator(req.ip ?? 'unknown'))
      .digest('base64url');
  const limiter = rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store,
    skipSuccessfulRequests: options.skipSuccessfulRequests ?? false,
    keyGenerator: keyOf,
    handler: (_req: Request, _res: Response, next: NextFunction) => next(tooMany()),
  });
  // When PostgreSQL cannot be reached, the request goes on unlimited: its handler needs the same
  // database, meets the same outage and answers 503 in its own way (a citizen's section comes
  // back with what they typed), which a refusal here would prevent. Other store errors stop it.
  const middleware = (req: Request, res: Response, next: NextFunction) =>
    limiter(req, res, (error?: unknown) =>
      next(error !== undefined && unreachableDatabase(error) !== undefined ? undefined : error),
    );
  return Object.assign(middleware, {
    hitOf: (req: Request): LimitHit => ({
      key: store.prefix + keyOf(req),
      limit: options.limit,
      seconds: options.windowMs / 1000,
    }),
  });
}

/**
 * Runs `limit` on a request as a step of its handler: resolves when the request may go on,
 * rejects with the limiter's refusal (429) when it may not.
 */
export function countAgainst(limit: RateLimit, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    limit(req, res, (error?: unknown) => (error === undefined ? resolve() : reject(error)));
  });
}
