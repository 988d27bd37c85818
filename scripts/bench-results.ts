/**
 * `npm run bench:results`: how fast the results pages are with many responses (DESIGN.md §8).
 * On an embedded PostgreSQL of its own (in a temporary folder, removed at the end), it seeds the
 * demo questionnaire, simulates `--count` responses (default 1,000,000), folds them into the
 * aggregates, starts the app as `npm start` would (a process of its own, on 127.0.0.1) and loads
 * the results page of a signed-in administrator with wrk (or autocannon; see generator()),
 * with no breakdown and with a breakdown by age band, by language and by country. Writes
 * bench-results/results.json.
 *
 * Options: --count N, --seed S, --seconds T (per load test, default 10), --connections C
 * (default 10), --reuse DIR (keep the cluster in DIR and reuse it next time, topping the
 * responses up to N: for profiling), --node-arg ARG (repeatable, given to the app's node, e.g.
 * --node-arg=--cpu-prof).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { cpus, totalmem, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pino from 'pino';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { createDb, migrateLatest, type Db } from '../src/db/knex.js';
import { depsFromDb } from '../src/deps.js';
import { DEMO_SLUG, PATHS, ROOT } from '../src/paths.js';
import { CookieJar, csrfTokenIn } from '../tests/helpers/cookie-jar.js';
import { wrkAvailable, wrkFixed } from './bench/wrk.js';

export interface BenchResultsOptions {
  count: number;
  seed: number;
  /** Seconds of load per page. */
  seconds: number;
  connections: number;
  /** Keep the cluster in this folder and reuse it (responses are topped up to `count`). */
  reuse?: string;
  /** Extra arguments for the app's node process (e.g. --cpu-prof). */
  nodeArgs?: string[];
  log?: (message: string) => void;
}

/** Milliseconds, from the response times autocannon reports. */
export interface Latencies {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  non2xx: number;
}

export interface PageReport {
  path: string;
  /** The first view after the fold, in ms: nothing cached yet. */
  firstMs: number;
  /** One client, one request after another. */
  sequential: Latencies;
  /** `connections` clients at once. */
  loaded: Latencies;
}

export interface BenchResultsReport {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string };
  responses: number;
  answers: number;
  seed: number;
  connections: number;
  seconds: number;
  /** Seconds to store the responses (null when a reused cluster already had them). */
  simulateSeconds: number | null;
  simulatePerSecond: number | null;
  /** Seconds to fold them into the aggregates. */
  foldSeconds: number | null;
  /** Peak resident memory of this process while simulating and folding, in MB. */
  loaderPeakRssMb: number;
  /** Peak resident memory of the app process over the whole load test, in MB. */
  appPeakRssMb: number;
  databaseMb: number;
  pages: Record<string, PageReport>;
}

const PASSWORD = 'a long enough passphrase 42';
/** Responses per transaction when folding the simulated responses (see FOLD_BATCH). */
const BULK_FOLD_BATCH = 20_000;
const EMAIL = 'results-reader@example.org';

export const PAGES: Record<string, string> = {
  overview: '',
  byAge: 'age',
  byLanguage: '$language',
  byCountry: 'country_of_residence',
};

export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? done(address.port) : fail(new Error('no port')),
      );
    });
  });
}

const seconds = (since: number) => (performance.now() - since) / 1000;
const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const at = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round((sorted[Math.max(0, at)] as number) * 10) / 10;
}

/** Summarises response times (ms) seen over `durationSeconds`. */
export function summarise(
  times: number[],
  durationSeconds: number,
  failures: { errors: number; non2xx: number } = { errors: 0, non2xx: 0 },
): Latencies {
  const sorted = Float64Array.from(times).sort();
  return {
    requests: times.length,
    requestsPerSecond:
      durationSeconds > 0 ? Math.round((times.length / durationSeconds) * 10) / 10 : 0,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: percentile(sorted, 100),
    ...failures,
  };
}

export interface LoadOptions {
  connections: number;
  seconds: number;
  cookie?: string;
  method?: 'GET' | 'POST';
  /** A form body (application/x-www-form-urlencoded), for POST. */
  form?: string;
}

export type Generator = 'wrk' | 'autocannon';

let generatorChosen: Generator | undefined;

/**
 * The load generator of this run: wrk when the machine has it (see scripts/bench/wrk.ts) unless
 * BENCH_GENERATOR=autocannon, else autocannon (from npm, always there).
 */
export function generator(): Generator {
  generatorChosen ??=
    process.env.BENCH_GENERATOR !== 'autocannon' && wrkAvailable() ? 'wrk' : 'autocannon';
  return generatorChosen;
}

/** Loads one URL with the run's generator and summarises every response time it saw. */
export async function load(url: string, options: LoadOptions): Promise<Latencies> {
  if (generator() === 'wrk') {
    const { pathname, search } = new URL(url);
    const headers: Record<string, string> = {};
    if (options.cookie) headers.cookie = options.cookie;
    if (options.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const method = options.method ?? 'GET';
    const request = { method, path: `${pathname}${search}`, headers, body: options.form };
    return (await wrkFixed(url, request, options)).latencies;
  }
  const times: number[] = [];
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.form !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  const instance = autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    method: options.method ?? 'GET',
    headers,
    body: options.form,
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) =>
    times.push(ms),
  );
  const result = await instance;
  return summarise(times, result.duration, { errors: result.errors, non2xx: result.non2xx });
}

/** Signs in through the form, as a browser would; returns the cookies to send. */
export async function signIn(base: string): Promise<string> {
  const page = await fetch(`${base}/admin/sign-in`);
  const jar = new CookieJar();
  jar.keep(page.headers.getSetCookie());
  const csrf = csrfTokenIn(await page.text());
  if (!csrf) throw new Error('no CSRF token on the sign-in page');
  const cookie = () => jar.header();
  const res = await fetch(`${base}/admin/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
    body: new URLSearchParams({ _csrf: csrf, email: EMAIL, password: PASSWORD }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  jar.keep(res.headers.getSetCookie());
  return cookie();
}

/** The app as `npm start` runs it, in production mode, on the given database. */
export async function startApp(
  databaseUrl: string,
  options: { nodeArgs?: string[]; env?: Record<string, string> } = {},
): Promise<{ base: string; child: ChildProcess }> {
  const port = await freePort();
  const args = ['--import', 'tsx', ...(options.nodeArgs ?? []), 'src/server.ts'];
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: {
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      SESSION_SECRET: randomBytes(24).toString('base64url'),
      SEED_DEMO: 'false',
      LOG_LEVEL: 'warn',
      ...options.env,
    },
  });
  const base = `http://127.0.0.1:${port}`;
  await waitUntilServing(child, `${base}/healthz`, 'the app');
  return { base, child };
}

/** Polls `url` until it answers 2xx; fails when the child exits first or after 30 s. */
export async function waitUntilServing(child: ChildProcess, url: string, name: string) {
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) throw new Error(`${name} stopped with code ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      if (tries > 300) throw new Error(`${name} did not start within 30 s`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Peak resident memory of a process, in MB (Linux; 0 elsewhere). */
function peakRssMb(pid: number | undefined): number {
  const status = `/proc/${pid}/status`;
  if (pid === undefined || !existsSync(status)) return 0;
  const kb = /VmHWM:\s+(\d+)/.exec(readFileSync(status, 'utf8'))?.[1];
  return kb ? Math.round(Number(kb) / 1024) : 0;
}

export async function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((done) => child.once('exit', done));
  child.kill('SIGTERM');
  await exited;
}

/** The app's services on the bench's own connection, for seeding and simulating. */
export function benchDeps(db: Db) {
  return depsFromDb(db, {
    logger: pino({ level: 'silent' }),
    draftTtlHours: 24,
    settings: {
      secret: randomBytes(24).toString('base64url'),
      secureCookies: false,
      trustProxy: 0,
      production: true,
      viewCache: true,
      rateLimits: { postsPerMinute: 120, submitsPer10Minutes: 60 },
    },
  });
}

/** Seeds the demo questionnaire and the administrator who reads its results (once). */
export async function seedDemo(db: Db): Promise<void> {
  const deps = benchDeps(db);
  await deps.questionnaireAdmin.seedIfAbsent(PATHS.demoQuestionnaire, DEMO_SLUG);
  if ((await deps.repositories.accounts.count()) === 0)
    await deps.accounts.createWithPassword({
      email: EMAIL,
      role: 'admin',
      countries: [],
      password: PASSWORD,
    });
}

/** Responses stored for the demo questionnaire, folded or not. */
export async function storedResponses(db: Db): Promise<number> {
  const [{ stored }] = (await db('responses as r')
    .join('questionnaires as q', 'q.id', 'r.questionnaire_id')
    .where('q.slug', DEMO_SLUG)
    .count({ stored: '*' })) as [{ stored: string }];
  return Number(stored);
}

export interface Fill {
  /** Seconds to store the simulated responses (null when there were enough already). */
  simulateSeconds: number | null;
  /** How many were simulated. */
  missing: number;
  foldSeconds: number;
}

/**
 * Simulates `count` responses of the demo with the command line (`responses:simulate`, a
 * process of its own), passing its progress lines to `log`. Resolves when it has stored them
 * all; rejects when it fails.
 */
function simulateInChild(
  databaseUrl: string,
  options: { count: number; seed: number; log: (message: string) => void },
): Promise<void> {
  const child = spawn(
    process.execPath,
    [
      ...['--import', 'tsx', 'src/cli/index.ts', 'responses:simulate', DEMO_SLUG],
      ...['--count', String(options.count), '--seed', String(options.seed)],
    ],
    {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: databaseUrl },
    },
  );
  let said = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => {
    said += text;
    for (const line of text.split('\n')) if (line.trim() !== '') options.log(`  ${line.trim()}`);
  });
  return new Promise((done, fail) => {
    child.once('error', fail);
    child.once('exit', (code) =>
      code === 0 ? done() : fail(new Error(`simulating failed (exit ${code}): ${said}`)),
    );
  });
}

/**
 * Stores simulated responses until the demo has `count`, then folds every pending response
 * into the aggregates; times both. Simulating is mostly JavaScript (each response answers every
 * section through the web form's parsing and checks), so it runs in one process per core, each
 * with a seed of its own.
 */
export async function topUp(
  db: Db,
  databaseUrl: string,
  options: { count: number; seed: number; log?: (message: string) => void },
): Promise<Fill> {
  const log = options.log ?? (() => {});
  const deps = benchDeps(db);
  const stored = await storedResponses(db);
  const missing = Math.max(0, options.count - stored);
  let simulateSeconds: number | null = null;
  if (missing > 0) {
    const processes = Math.min(cpus().length, Math.ceil(missing / 10_000));
    const share = Math.ceil(missing / processes);
    log(`simulating ${missing} responses in ${processes} processes`);
    const started = performance.now();
    await Promise.all(
      Array.from({ length: processes }, (_, i) =>
        simulateInChild(databaseUrl, {
          count: Math.min(share, missing - i * share),
          seed: options.seed + stored + i * share,
          log: (line) => log(`${line} [${i + 1}], ${seconds(started).toFixed(0)} s`),
        }),
      ),
    );
    simulateSeconds = seconds(started);
  }
  log('folding them into the aggregates');
  const folding = performance.now();
  // Nobody answers meanwhile: larger transactions than a serving process's fold.
  await deps.results.foldPending(BULK_FOLD_BATCH);
  const foldSeconds = seconds(folding);
  // What autovacuum would do soon after a load this size: fresh statistics and visibility.
  await db.raw('vacuum analyze');
  return { simulateSeconds, missing, foldSeconds };
}

/** Stores simulated responses until the demo has `count`, then folds them; times both. */
async function fill(db: Db, databaseUrl: string, options: BenchResultsOptions): Promise<Fill> {
  await seedDemo(db);
  return topUp(db, databaseUrl, options);
}

/**
 * One page of a signed-in reader: its first view (nothing cached yet), then `seconds` of load
 * with one client and `seconds` with `connections` clients.
 */
export async function measurePage(
  base: string,
  name: string,
  path: string,
  options: { cookie: string; seconds: number; connections: number; log: (m: string) => void },
): Promise<PageReport> {
  const url = `${base}${path}`;
  const first = performance.now();
  const res = await fetch(url, { headers: { cookie: options.cookie } });
  const firstMs = Math.round((performance.now() - first) * 10) / 10;
  if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
  await res.text();
  options.log(`${name}: first view ${firstMs} ms; loading for ${options.seconds} s twice`);
  const { cookie, seconds } = options;
  const sequential = await load(url, { connections: 1, seconds, cookie });
  const loaded = await load(url, { connections: options.connections, seconds, cookie });
  return { path, firstMs, sequential, loaded };
}

export function machine(): BenchResultsReport['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? '',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}

/** A fresh temporary folder for the cluster, or the reused one; readable by the postgres user. */
export function clusterFolder(reuse: string | undefined): string {
  const folder = reuse ? resolve(reuse) : mkdtempSync(join(tmpdir(), 'consulta-bench-'));
  mkdirSync(folder, { recursive: true });
  chmodSync(folder, 0o755);
  return folder;
}

export const resultsPath = (by: string) =>
  `/admin/questionnaires/${DEMO_SLUG}/results${by ? `?by=${encodeURIComponent(by)}` : ''}`;

export async function benchResults(options: BenchResultsOptions): Promise<BenchResultsReport> {
  const log = options.log ?? (() => {});
  const folder = clusterFolder(options.reuse);
  log(`starting PostgreSQL in ${folder}`);
  const database = await startEmbeddedPostgres({
    dir: join(folder, 'pg'),
    port: await freePort(),
  });
  const db = createDb(database.url, 4);
  let app: ChildProcess | undefined;
  try {
    await migrateLatest(db);
    const { simulateSeconds, missing, foldSeconds } = await fill(db, database.url, options);
    const loaderPeakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    const [sizes] = (
      await db.raw(
        `select (select count(*) from responses) as responses,
                (select sum(jsonb_array_length(answer_rows)) from responses) as answers,
                pg_database_size(current_database()) as bytes`,
      )
    ).rows as { responses: string; answers: string; bytes: string }[];
    log(`starting the app`);
    const started = await startApp(database.url, { nodeArgs: options.nodeArgs ?? [] });
    app = started.child;
    const cookie = await signIn(started.base);
    const pages: Record<string, PageReport> = {};
    for (const [name, by] of Object.entries(PAGES))
      pages[name] = await measurePage(started.base, name, resultsPath(by), {
        cookie,
        seconds: options.seconds,
        connections: options.connections,
        log,
      });
    const appPeakRssMb = peakRssMb(app.pid);
    return {
      date: new Date().toISOString(),
      machine: machine(),
      responses: Number(sizes?.responses),
      answers: Number(sizes?.answers),
      seed: options.seed,
      connections: options.connections,
      seconds: options.seconds,
      simulateSeconds: simulateSeconds && Math.round(simulateSeconds * 10) / 10,
      simulatePerSecond: simulateSeconds && Math.round(missing / simulateSeconds),
      foldSeconds: Math.round(foldSeconds * 10) / 10,
      loaderPeakRssMb,
      appPeakRssMb,
      databaseMb: mb(Number(sizes?.bytes)),
      pages,
    };
  } finally {
    if (app) await stopApp(app);
    await db.destroy();
    await database.stop();
    if (!options.reuse) rmSync(folder, { recursive: true, force: true });
  }
}

function summary(report: BenchResultsReport): string {
  const row = (l: Latencies) =>
    `p50 ${l.p50} ms, p95 ${l.p95} ms, p99 ${l.p99} ms, ${l.requestsPerSecond} req/s` +
    (l.errors + l.non2xx > 0 ? ` (${l.errors} errors, ${l.non2xx} not 2xx)` : '');
  return [
    `${report.responses} responses (${report.answers} answers, ${report.databaseMb} MB) on ${report.machine.cpus} × ${report.machine.cpuModel}`,
    report.simulateSeconds === null
      ? 'simulate: reused'
      : `simulate: ${report.simulateSeconds} s (${report.simulatePerSecond} responses/s)`,
    `fold: ${report.foldSeconds} s; peak RSS: loader ${report.loaderPeakRssMb} MB, app ${report.appPeakRssMb} MB`,
    ...Object.entries(report.pages).flatMap(([name, page]) => [
      `${name} (${page.path}): first view ${page.firstMs} ms`,
      `  1 connection:  ${row(page.sequential)}`,
      `  ${report.connections} connections: ${row(page.loaded)}`,
    ]),
  ].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '1' },
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      reuse: { type: 'string' },
      'node-arg': { type: 'string', multiple: true },
      out: { type: 'string', default: join(ROOT, 'bench-results', 'results.json') },
    },
  });
  const report = await benchResults({
    count: Number(values.count),
    seed: Number(values.seed),
    seconds: Number(values.seconds),
    connections: Number(values.connections),
    reuse: values.reuse,
    nodeArgs: values['node-arg'] ?? [],
    log: (message) => console.error(`[bench] ${message}`),
  });
  mkdirSync(join(values.out, '..'), { recursive: true });
  await writeFile(values.out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(summary(report));
  console.log(`Wrote ${values.out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
