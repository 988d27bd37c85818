import { PgRateLimitStore } from './db/rate-limits.js';
import { PgSessionStore } from './db/sessions.js';
import type { Deps } from './deps.js';
import type { Logger } from './logger.js';

const EVERY_MS = 60_000;

/** One pass of the deployment's periodic work; failures are logged and retried next pass. */
async function housekeep(deps: Deps, logger: Logger): Promise<void> {
  await Promise.all([
    deps.repositories.drafts.deleteExpired(),
    PgRateLimitStore.purgeExpired(deps.db),
    PgSessionStore.purgeExpired(deps.db),
    // Once a questionnaire closes (by its schedule, a coordinator or the CLI), all its used
    // access codes are written again together: one transaction id for all (docs/privacy.md).
    deps.repositories.questionnaires
      .applySchedules()
      .then(() => deps.repositories.accessCodes.rewriteNotOpen()),
    // New responses join the published results in batches of at least k (disclosure control).
    deps.results.foldPending(),
    // Row-level answers of questionnaires closed longer than their retention period go; the
    // protected aggregates remain.
    deps.results.applyRetention().then((deleted) => {
      if (deleted > 0) logger.info({ deleted }, 'retention deleted row-level answers');
    }),
  ]).catch((err: unknown) => logger.warn({ err }, 'housekeeping failed'));
}

/**
 * Purges, schedules, folds and retention every minute. One process of a deployment runs it (the
 * only process, or the primary of several), so no work is done N times over; its log line says
 * which (by its pid, when there are several). Returns the function that stops it.
 */
export function startHousekeeping(deps: Deps, logger: Logger): () => void {
  logger.info({ everyMs: EVERY_MS }, 'housekeeping runs in this process');
  const timer = setInterval(() => void housekeep(deps, logger), EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
