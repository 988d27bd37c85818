import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import pino from 'pino';
import { inject } from 'vitest';
import { createApp } from '../../src/app.js';
import { createDb, type Db } from '../../src/db/knex.js';
import { depsFromDb, type AppSettings, type Deps } from '../../src/deps.js';
import { PATHS } from '../../src/paths.js';
import { createTranslations, type Translations } from '../../src/web/i18n.js';
import { TEMPLATE_DATABASE, testSettings } from './settings.js';

let translations: Translations | undefined;

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: Deps;
  db: Db;
  /** Every log line the app wrote, as text. */
  logs: string[];
  close(): Promise<void>;
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: `${inject('pgServerUrl')}/postgres` });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** The app on a database, with a pool, logs and caches of its own; `close` also runs `after`. */
function appOn(url: string, settings: AppSettings, after: () => Promise<unknown>): TestApp {
  const db = createDb(url, 5);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const deps = depsFromDb(db, { logger, draftTtlHours: 24, settings });
  translations ??= createTranslations(PATHS.locales);
  return {
    app: createApp(deps, translations),
    deps,
    db,
    logs,
    async close() {
      await db.destroy();
      await after();
    },
  };
}

/** The app on a fresh database of its own, cloned from the migrated, seeded template. */
export async function createTestApp(settings: Partial<AppSettings> = {}): Promise<TestApp> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  await admin((client) => client.query(`create database ${name} template ${TEMPLATE_DATABASE}`));
  return appOn(`${inject('pgServerUrl')}/${name}`, testSettings(settings), () =>
    admin((client) => client.query(`drop database if exists ${name} with (force)`)),
  );
}

/**
 * A second app process beside `first`: the same database and settings (unless overridden), but
 * a pool, logs and in-memory caches of its own. Close it before `first`, which drops the database.
 */
export function createTestAppBeside(first: TestApp, settings: Partial<AppSettings> = {}): TestApp {
  const url = (first.db.client.config.connection as { connectionString: string }).connectionString;
  return appOn(url, { ...first.deps.settings, ...settings }, async () => {});
}
