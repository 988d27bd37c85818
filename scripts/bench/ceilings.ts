/**
 * The ceilings of `npm run bench`: a bare Express "hello world" and a bare Express endpoint that
 * inserts one row per request through a pg.Pool as large as the app's, each in a process of its
 * own on the bench's PostgreSQL, loaded with autocannon as the app's pages are.
 */
import { spawn } from 'node:child_process';
import {
  freePort,
  load,
  stopApp,
  waitUntilServing,
  type Latencies,
  type LoadOptions,
} from '../bench-results.js';
import type { Db } from '../../src/db/knex.js';
import { ROOT } from '../../src/paths.js';
import { CREATE_INSERT_TABLE, INSERT_FORM, INSERT_TABLE } from './bare-server.js';

export interface Ceilings {
  hello: Latencies;
  insert: Latencies;
}

export type LoadPhase = Pick<LoadOptions, 'seconds' | 'connections'>;

/** Seconds of load thrown away before each measurement, for the JIT and the pools to warm. */
export const WARM_UP_SECONDS = 1;

/** Warms `url` up for a second, then loads it for `seconds`. */
export async function warmLoad(url: string, options: LoadOptions): Promise<Latencies> {
  await load(url, { ...options, seconds: WARM_UP_SECONDS });
  return load(url, options);
}

async function bareServer(mode: 'hello' | 'insert', env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/bench/bare-server.ts', mode], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), ...env },
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntilServing(child, `${base}/healthz`, `the ${mode} ceiling`);
  } catch (error) {
    await stopApp(child);
    throw error;
  }
  return { base, child };
}

export async function measureCeilings(
  db: Db,
  databaseUrl: string,
  options: LoadPhase & { poolMax: number; log: (message: string) => void },
): Promise<Ceilings> {
  options.log(`ceiling: bare Express "hello world", ${options.seconds} s`);
  const hello = await bareServer('hello', {});
  let helloLoad: Latencies;
  try {
    helloLoad = await warmLoad(`${hello.base}/`, options);
  } finally {
    await stopApp(hello.child);
  }

  options.log(`ceiling: bare Express + one INSERT per request, ${options.seconds} s`);
  await db.raw(`drop table if exists ${INSERT_TABLE}`);
  await db.raw(CREATE_INSERT_TABLE);
  const insert = await bareServer('insert', {
    DATABASE_URL: databaseUrl,
    POOL_MAX: String(options.poolMax),
  });
  try {
    const insertLoad = await warmLoad(`${insert.base}/`, {
      ...options,
      method: 'POST',
      form: INSERT_FORM,
    });
    return { hello: helloLoad, insert: insertLoad };
  } finally {
    await stopApp(insert.child);
    await db.raw(`drop table if exists ${INSERT_TABLE}`);
  }
}
