import { Router } from 'express';
import type { Db } from '../db/knex.js';

/** Liveness (the process answers) and readiness (the database answers within a second). */
export function healthRouter(db: Db): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    try {
      await db.raw('select 1').timeout(1000, { cancel: true });
      res.json({ status: 'ready' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });
  return router;
}
