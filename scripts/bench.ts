/**
 * `npm run bench`: the performance targets of DESIGN.md §8, measured in one run on one machine
 * and one PostgreSQL server, each as a ratio to a ceiling measured in the same run:
 *  1. ceilings: a bare Express "hello world", and a bare Express endpoint inserting one row per
 *     request through a pool as large as the app's (each in a process of its own);
 *  2. the app (`tsx src/server.ts`, production, one process): the citizen start page and a
 *     section page under load (not yet answered, then with the citizen's answers); whole
 *     journeys; the final submits of citizens on the check page, all at once (after a burst to
 *     warm up) and then at half that rate; then stored responses must equal acknowledged
 *     submits (the run fails otherwise);
 *  3. the demo topped up to `--responses` simulated responses and folded, the app restarted: the
 *     results page and a breakdown by country, and their CSV and XLSX exports with the app's
 *     memory.
 * Writes bench-results/bench.json and bench-results/bench.md and prints the summary. Everything
 * runs on 127.0.0.1, in an embedded PostgreSQL in a temporary folder removed at the end. The load
 * comes from wrk when the machine has it (`apt-get install wrk`), else from autocannon; set
 * BENCH_GENERATOR=autocannon to use autocannon anyway.
 *
 * Options: --responses N (default 1,000,000), --seconds T (per load phase, default 10),
 * --connections C (default 10), --reuse DIR (keep the cluster in DIR and reuse it next time).
 */
import type { ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  clusterFolder,
  freePort,
  generator,
  machine,
  seedDemo,
  signIn,
  startApp,
  stopApp,
  storedResponses,
  topUp,
} from './bench-results.js';
import { measureCeilings, warmLoad, type LoadPhase } from './bench/ceilings.js';
import { JOURNEY, VirtualCitizen } from './bench/citizen.js';
import {
  burstSubmits,
  pacedSubmits,
  readyCitizens,
  runJourneys,
  type SubmitsReport,
} from './bench/journeys.js';
import { buildReport, formatSummary, type Measurements, type Settings } from './bench/report.js';
import { measureResults } from './bench/results.js';
import { loadConfig } from '../src/config.js';
import { startEmbeddedPostgres } from '../src/db/embedded.js';
import { createDb, migrateLatest, type Db } from '../src/db/knex.js';
import { ROOT } from '../src/paths.js';

/** High enough that one address sending everything is never refused. */
const RATE_LIMIT = 1_000_000_000;
/**
 * Before the submits all at once are measured, bursts of WARM_UP_CITIZENS submits warm the app
 * up: at least `min`, and more (up to `max`) while each is more than 10 % faster than the one
 * before. A process that has just started is slow at first for longer than one second of load
 * (its heap grows, and on a virtual machine the pages it first touches come slowly), and the
 * submit is a longer path than the ceiling's: 1,000 submits/s at first, 1,700/s after 10,000.
 */
const WARM_UP_CITIZENS = 2500;
const WARM_UP_BURSTS = { min: 2, max: 5 };
const WARM_UP_STEADY = 1.1;
/** Citizens on the check page for the measured submits all at once. */
const BURST_CITIZENS = 5000;
const SEED = 1;

const log = (message: string) => console.error(`[bench] ${message}`);
const round1 = (n: number) => Math.round(n * 10) / 10;

function options() {
  const { values } = parseArgs({
    options: {
      responses: { type: 'string', default: '1000000' },
      seconds: { type: 'string', default: '10' },
      connections: { type: 'string', default: '10' },
      reuse: { type: 'string' },
    },
  });
  const whole = (name: 'responses' | 'seconds' | 'connections') => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`--${name} must be a whole number of at least 1`);
    return value;
  };
  return {
    responses: whole('responses'),
    seconds: whole('seconds'),
    connections: whole('connections'),
    reuse: values.reuse,
  };
}

function appEnv(poolMax: number): Record<string, string> {
  return {
    WEB_CONCURRENCY: '1',
    DATABASE_POOL_MAX: String(poolMax),
    RATE_LIMIT_POSTS_PER_MINUTE: String(RATE_LIMIT),
    RATE_LIMIT_SUBMITS_PER_10_MINUTES: String(RATE_LIMIT),
  };
}

async function citizenPages(base: string, phase: LoadPhase) {
  log(`start page, ${phase.seconds} s`);
  const start = { path: JOURNEY, load: await warmLoad(`${base}${JOURNEY}`, phase) };
  const citizen = new VirtualCitizen(base);
  const section = await citizen.begin();
  log(`section page ${section}, ${phase.seconds} s`);
  const load = await warmLoad(`${base}${section}`, { ...phase, cookie: citizen.cookie });
  log(`section page ${section} with the citizen's answers, ${phase.seconds} s`);
  await citizen.answerFirst();
  const answered = await warmLoad(`${base}${section}`, { ...phase, cookie: citizen.cookie });
  return {
    start,
    section: { path: section, load },
    sectionAnswered: { path: section, load: answered },
  };
}

async function submissions(db: Db, base: string, phase: LoadPhase) {
  log(`whole journeys by ${phase.connections} citizens at once, ${phase.seconds} s`);
  const journeys = await runJourneys(base, {
    concurrency: phase.connections,
    seconds: phase.seconds,
  });
  log(`  ${journeys.journeys} journeys (${journeys.journeysPerSecond}/s)`);

  const all = { ...phase, limitSeconds: 60 };
  const warmUp: SubmitsReport[] = [];
  const rising = () => {
    const [before, last] = warmUp.slice(-2).map((b) => b.submitsPerSecond);
    return last === undefined || (before as number) * WARM_UP_STEADY < last;
  };
  while (warmUp.length < WARM_UP_BURSTS.min || (warmUp.length < WARM_UP_BURSTS.max && rising())) {
    const ready = await readyCitizens(db, base, WARM_UP_CITIZENS);
    warmUp.push(await burstSubmits(base, ready, all));
    log(`  warming up: ${WARM_UP_CITIZENS} submits, ${warmUp.at(-1)?.submitsPerSecond}/s`);
  }
  log(
    `final submits of ${BURST_CITIZENS} citizens on the check page, ${phase.connections} at once`,
  );
  const burst = await burstSubmits(base, await readyCitizens(db, base, BURST_CITIZENS), all);
  log(`  ${burst.submitsPerSecond} submits/s`);

  const rate = Math.max(1, burst.submitsPerSecond / 2);
  const paced = await readyCitizens(db, base, Math.ceil(rate * phase.seconds));
  log(`final submits of ${paced.length} citizens at ${round1(rate)}/s`);
  const halfLoad = await pacedSubmits(base, paced, { rate, graceSeconds: 30 });
  log(`  p99 ${halfLoad.latency.p99} ms`);
  return { journeys, warmUp, burst, halfLoad };
}

/** Counts, after the app has stopped (so nothing is still being stored), what the phases stored. */
async function check(db: Db, before: number, phases: Awaited<ReturnType<typeof submissions>>) {
  const stored = (await storedResponses(db)) - before;
  const acknowledged = [phases.journeys, ...phases.warmUp, phases.burst, phases.halfLoad].reduce(
    (sum, phase) => sum + phase.acknowledged,
    0,
  );
  log(`stored ${stored} responses, ${acknowledged} submits acknowledged`);
  return { ...phases, check: { stored, acknowledged, passed: stored === acknowledged } };
}

async function run(settings: Settings, reuse: string | undefined): Promise<Measurements> {
  const phase = { seconds: settings.seconds, connections: settings.connections };
  const folder = clusterFolder(reuse);
  log(`starting PostgreSQL in ${folder}`);
  const database = await startEmbeddedPostgres({ dir: join(folder, 'pg'), port: await freePort() });
  const db = createDb(database.url, 4);
  let app: ChildProcess | undefined;
  try {
    await migrateLatest(db);
    await seedDemo(db);
    const ceilings = await measureCeilings(db, database.url, {
      ...phase,
      poolMax: settings.poolMax,
      log,
    });

    log('starting the app');
    let started = await startApp(database.url, { env: appEnv(settings.poolMax) });
    app = started.child;
    const pages = await citizenPages(started.base, phase);
    const before = await storedResponses(db);
    const phases = await submissions(db, started.base, phase);
    await stopApp(app);
    const submitted = await check(db, before, phases);

    const fill = await topUp(db, database.url, { count: settings.responses, seed: SEED, log });
    const responses = await storedResponses(db);
    log(`restarting the app over ${responses} responses`);
    started = await startApp(database.url, { env: appEnv(settings.poolMax) });
    app = started.child;
    const results = await measureResults(started.base, {
      ...phase,
      cookie: await signIn(started.base),
      pid: app.pid as number,
      log,
    });
    return {
      ceilings,
      pages,
      submissions: submitted,
      results: {
        responses,
        fill: {
          missing: fill.missing,
          simulateSeconds: fill.simulateSeconds === null ? null : round1(fill.simulateSeconds),
          foldSeconds: round1(fill.foldSeconds),
        },
        overview: results.overview,
        breakdown: results.breakdown,
      },
      exports: results.exports,
    };
  } finally {
    if (app) await stopApp(app);
    await db.destroy();
    await database.stop();
    if (!reuse) rmSync(folder, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const began = performance.now();
  const { reuse, ...chosen } = options();
  const poolMax = loadConfig({
    DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX,
  }).DATABASE_POOL_MAX;
  const settings: Settings = {
    ...chosen,
    poolMax,
    rateLimit: RATE_LIMIT,
    generator: generator(),
  };
  const measurements = await run(settings, reuse);
  const report = buildReport(measurements, {
    date: new Date().toISOString(),
    machine: machine(),
    settings,
    totalSeconds: Math.round((performance.now() - began) / 1000),
  });
  const folder = join(ROOT, 'bench-results');
  mkdirSync(folder, { recursive: true });
  const summary = formatSummary(report);
  await writeFile(join(folder, 'bench.json'), `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(join(folder, 'bench.md'), summary);
  console.log(summary);
  console.log(`Wrote ${join(folder, 'bench.json')} and ${join(folder, 'bench.md')}`);
  if (!report.checkPassed) {
    console.error('The stored responses do not match the acknowledged submits.');
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
