import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../logger.js';

/**
 * One log line per request: id, method, route pattern, status and duration. Never the IP,
 * user agent, query string, cookies or body (DESIGN.md §4.1).
 */
export function requestLog(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction) => {
    const started = process.hrtime.bigint();
    const id = randomUUID();
    res.locals.requestId = id;
    res.on('finish', () => {
      const route = (req.route as { path?: string } | undefined)?.path;
      logger.info(
        {
          requestId: id,
          method: req.method,
          route: route ? `${req.baseUrl}${route}` : 'unmatched',
          status: res.statusCode,
          ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
        },
        'request',
      );
    });
    next();
  };
}
