import cluster from 'node:cluster';
import { createServer, type Server } from 'node:http';
import type { Express } from 'express';
import { createApp } from './app.js';
import { startWorkers } from './cluster.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { migrateLatest } from './db/knex.js';
import { openDatabase } from './db/open.js';
import { buildDeps, type Deps } from './deps.js';
import { startHousekeeping } from './housekeeping.js';
import { createLogger, type Logger } from './logger.js';
import { DEMO_SLUG, PATHS } from './paths.js';
import { resolveSecret } from './secret.js';
import { DRAIN_MS, drain, stopOnSignals, trackInFlight } from './shutdown.js';

/** Migrates, seeds the demo and says how to create the first account: once per start. */
async function prepare(deps: Deps, config: Config, logger: Logger): Promise<void> {
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
}

async function listen(app: Express, config: Config): Promise<Server> {
  const server = createServer(app);
  trackInFlight(server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
    server.listen(config.PORT, config.HOST);
  });
  return server;
}

function portOf(server: Server, config: Config): number {
  const address = server.address();
  return typeof address === 'object' && address ? address.port : config.PORT;
}

function announce(config: Config, logger: Logger, started: number, port: number): void {
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  logger.info({ ms: Date.now() - started, port, processes: config.WEB_CONCURRENCY }, 'listening');
  console.log(
    `\nConsulta is running: http://${host}:${port}/\nDemo questionnaire: http://${host}:${port}/en/q/${DEMO_SLUG}\n`,
  );
}

/**
 * A worker of several serves HTTP on the port its primary shares, and nothing else: the primary
 * opened the database, migrated it and keeps house, and gives the URL and the secret.
 */
async function serveAsWorker(config: Config, logger: Logger): Promise<void> {
  if (!config.DATABASE_URL) throw new Error('a worker needs the DATABASE_URL its primary gives');
  const deps = buildDeps({
    databaseUrl: config.DATABASE_URL,
    config,
    secret: resolveSecret(config),
    logger,
  });
  const server = await listen(createApp(deps), config);
  logger.info({ port: portOf(server, config) }, 'listening');
  const stop = stopOnSignals(logger, DRAIN_MS + 5_000, async () => {
    const drained = await drain(server, DRAIN_MS);
    await deps.db.destroy();
    return drained;
  });
  // The primary holds the port: without it, no request can reach this worker any more.
  process.once('disconnect', () => stop('primary gone'));
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  if (cluster.isWorker)
    return serveAsWorker(config, logger.child({ pid: process.pid, worker: cluster.worker?.id }));

  const started = Date.now();
  const log = config.WEB_CONCURRENCY > 1 ? logger.child({ pid: process.pid }) : logger;
  const database = await openDatabase(config, (message) => log.debug({ postgres: message }));
  if (database.dataDir) log.info({ dataDir: database.dataDir }, 'using the embedded PostgreSQL');
  const secret = resolveSecret(config);
  const deps = buildDeps({ databaseUrl: database.url, config, secret, logger: log });
  await prepare(deps, config, log);
  const stopHousekeeping = startHousekeeping(deps, log);
  const closeDatabase = async () => {
    await deps.db.destroy();
    await database.close();
  };

  if (config.WEB_CONCURRENCY === 1) {
    const server = await listen(createApp(deps), config);
    announce(config, log, started, portOf(server, config));
    stopOnSignals(log, DRAIN_MS + 10_000, async () => {
      stopHousekeeping();
      const drained = await drain(server, DRAIN_MS);
      await closeDatabase();
      return drained;
    });
    return;
  }

  // The embedded PostgreSQL, migrations, the seed and housekeeping stay here, once; the workers
  // only serve HTTP, and the database stops after the last of them has drained.
  const workers = startWorkers({
    count: config.WEB_CONCURRENCY,
    env: { DATABASE_URL: database.url, SESSION_SECRET: secret },
    logger: log,
    onListening: (port) => announce(config, log, started, port),
    onFailure: (reason) => {
      log.fatal({ reason }, 'the workers could not start');
      stop('workers failed', 1);
    },
  });
  const stop = stopOnSignals(log, DRAIN_MS + 20_000, async () => {
    stopHousekeeping();
    const clean = await workers.stop(DRAIN_MS + 10_000);
    await closeDatabase();
    return clean;
  });
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error('Consulta could not start:', error);
  process.exit(1);
});
