import type { Server } from 'node:http';
import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { PgRateLimitStore } from './db/rate-limits.js';
import { PgSessionStore } from './db/sessions.js';
import { migrateLatest } from './db/knex.js';
import { openDatabase } from './db/open.js';
import { buildDeps } from './deps.js';
import { createLogger } from './logger.js';
import { DEMO_SLUG, PATHS } from './paths.js';
import { resolveSecret } from './secret.js';

async function main(): Promise<void> {
  const started = Date.now();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  const database = await openDatabase(config, (message) => logger.debug({ postgres: message }));
  if (database.dataDir) logger.info({ dataDir: database.dataDir }, 'using the embedded PostgreSQL');
  const deps = buildDeps({
    databaseUrl: database.url,
    config,
    secret: resolveSecret(config),
    logger,
  });
  const applied = await migrateLatest(deps.db);
  if (applied.length > 0) logger.info({ migrations: applied }, 'database migrated');
  if (config.SEED_DEMO) {
    const seeded = await deps.questionnaireAdmin.seedIfAbsent(PATHS.demoQuestionnaire, DEMO_SLUG);
    if (seeded === 'seeded') logger.info({ slug: DEMO_SLUG }, 'demo questionnaire seeded');
  }
  if ((await deps.accounts.count()) === 0) {
    console.log(
      '\nNo coordinator account exists yet. Create the first administrator with:\n' +
        '  npm run cli -- user:create --email you@example.org --role admin\n' +
        '(you will be asked for a password of at least 12 characters)\n',
    );
  }
  const app = createApp(deps);
  const server: Server = app.listen(config.PORT, config.HOST);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  logger.info({ ms: Date.now() - started, port }, 'listening');
  console.log(
    `\nConsulta is running: http://${host}:${port}/\nDemo questionnaire: http://${host}:${port}/en/q/${DEMO_SLUG}\n`,
  );

  const housekeeping = setInterval(() => {
    void Promise.all([
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
  }, 60_000);
  housekeeping.unref();

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'draining requests, then stopping');
    clearInterval(housekeeping);
    server.close(() => {
      void deps.db
        .destroy()
        .then(() => database.close())
        .then(() => process.exit(0))
        .catch((err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        });
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 15_000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('Consulta could not start:', error);
  process.exit(1);
});
