import { createHmac } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { PgRateLimitStore } from '../../db/rate-limits.js';
import type { Db } from '../../db/knex.js';
import { tooMany } from '../errors.js';

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
}) {
  return rateLimit({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: new PgRateLimitStore(options.db, options.name),
    keyGenerator: (req: Request) =>
      createHmac('sha256', options.secret)
        .update(ipKeyGenerator(req.ip ?? 'unknown'))
        .digest('base64url'),
    handler: (_req: Request, _res: Response, next: NextFunction) => next(tooMany()),
  });
}
