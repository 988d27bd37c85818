import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrateAndSeed } from './seed.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { createDb } from '../../src/db/knex.js';
import { TEMPLATE_DATABASE } from './settings.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgServerUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Server URL without a database name: TEST_DATABASE_SERVER_URL, or a fresh embedded cluster. */
async function startServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const external = process.env.TEST_DATABASE_SERVER_URL;
  if (external) return { url: external.replace(/\/+$/, ''), stop: async () => {} };
  const folder = mkdtempSync(join(tmpdir(), 'consulta-test-'));
  chmodSync(folder, 0o755);
  const embedded: EmbeddedDatabase = await startEmbeddedPostgres({
    dir: join(folder, 'pg'),
    port: await freePort(),
    database: 'postgres',
  });
  return {
    url: embedded.url.replace(/\/postgres$/, ''),
    stop: async () => {
      await embedded.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/**
 * One PostgreSQL for the whole run, with a migrated and seeded template database; every test
 * file clones it into a database of its own (tests/helpers/app.ts), so files run in parallel.
 */
export default async function setup(project: TestProject) {
  const server = await startServer();
  const admin = new pg.Client({ connectionString: `${server.url}/postgres` });
  await admin.connect();
  await admin.query(`drop database if exists ${TEMPLATE_DATABASE}`);
  await admin.query(`create database ${TEMPLATE_DATABASE}`);
  const db = createDb(`${server.url}/${TEMPLATE_DATABASE}`, 2);
  await migrateAndSeed(db);
  await db.destroy();
  project.provide('pgServerUrl', server.url);
  return async () => {
    await admin.query(`drop database if exists ${TEMPLATE_DATABASE} with (force)`);
    await admin.end();
    await server.stop();
  };
}
