/**
 * The submission phases of `npm run bench`, each bounded in time:
 * A. whole journeys by `concurrency` citizens at once;
 * B. the final submits of citizens standing on the check page, all at once, with the load
 *    generator the one-INSERT ceiling is measured with; after a first burst to warm up, as
 *    every other load phase is measured after a second of the same load;
 * C. the final submits of other such citizens at a fixed rate (open loop: each submit leaves at
 *    its scheduled time whatever the others do, and its latency counts from that time).
 */
import autocannon from 'autocannon';
import { generator, summarise, type Latencies } from '../bench-results.js';
import {
  acknowledged,
  SUBMIT_PATH,
  THANK_YOU_PATH,
  VirtualCitizen,
  type ReadyCitizen,
} from './citizen.js';
import { openLoop } from './open-loop.js';
import { wrkList, type WrkRequest } from './wrk.js';
import { hashCode, newToken } from '../../src/domain/codes.js';
import type { Db } from '../../src/db/knex.js';

export interface Outcome {
  /** Submits answered with a 303 to the thank-you page. */
  acknowledged: number;
  /** Submits (or journeys) that failed, and the first few reasons. */
  failed: number;
  reasons: string[];
}

export interface JourneysReport extends Outcome {
  journeys: number;
  journeysPerSecond: number;
  /** Whole journeys, start page to thank-you page. */
  journey: Latencies;
  /** The final submit within them. */
  submit: Latencies;
}

export interface SubmitsReport extends Outcome {
  citizens: number;
  /** Seconds from the first submit sent to the last answer. */
  seconds: number;
  submitsPerSecond: number;
  latency: Latencies;
}

export interface PacedReport extends SubmitsReport {
  /** The rate the submits were sent at. */
  targetRate: number;
}

const round1 = (n: number) => Math.round(n * 10) / 10;
const elapsed = (since: number) => (performance.now() - since) / 1000;

function outcome(): Outcome {
  return { acknowledged: 0, failed: 0, reasons: [] };
}

function fail(out: Outcome, error: unknown): void {
  out.failed++;
  const reason = error instanceof Error ? error.message : String(error);
  if (out.reasons.length < 5 && !out.reasons.includes(reason)) out.reasons.push(reason);
}

/** Runs `worker` in `concurrency` loops until it returns false or `seconds` have passed. */
async function loops(
  concurrency: number,
  seconds: number,
  worker: () => Promise<boolean>,
): Promise<void> {
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline && (await worker()));
    }),
  );
}

/** Phase A: whole journeys, each by a new citizen, for `seconds`. */
export async function runJourneys(
  base: string,
  options: { concurrency: number; seconds: number },
): Promise<JourneysReport> {
  const out = outcome();
  const journeyMs: number[] = [];
  const submitMs: number[] = [];
  const started = performance.now();
  await loops(options.concurrency, options.seconds, async () => {
    const citizen = new VirtualCitizen(base);
    const begun = performance.now();
    try {
      await citizen.begin();
      await citizen.answerAll();
      const submitting = performance.now();
      const ok = await citizen.submit();
      submitMs.push(performance.now() - submitting);
      if (!ok) throw new Error('a submit was not acknowledged');
      out.acknowledged++;
      await citizen.thanks();
      journeyMs.push(performance.now() - begun);
    } catch (error) {
      fail(out, error);
    }
    return true;
  });
  const seconds = elapsed(started);
  return {
    ...out,
    journeys: journeyMs.length,
    journeysPerSecond: round1(journeyMs.length / seconds),
    journey: summarise(journeyMs, seconds),
    submit: summarise(submitMs, seconds),
  };
}

/**
 * `count` citizens who have answered every section and stand on the check page. One citizen
 * answers through the app (start page, start, each section posted, check page); its draft is
 * then copied in the database under `count` new tokens, as if that many citizens had given the
 * same answers (which the bench's citizens do anyway). Each copy is a draft as the app made
 * it, at the cost of one statement instead of eight requests a citizen, which would take the
 * bench longer than everything it measures. Answering itself is measured by phase A.
 */
export async function readyCitizens(db: Db, base: string, count: number): Promise<ReadyCitizen[]> {
  const model = new VirtualCitizen(base);
  await model.begin();
  await model.answerAll({ viewSections: false });
  const token = model.draftToken;
  if (!token) throw new Error('the citizen who answered has no draft cookie');
  const columns = (
    (await db('information_schema.columns')
      .where({ table_schema: db.raw('current_schema()'), table_name: 'drafts' })
      .whereNotIn('column_name', ['token_hash', 'resume_hash'])
      .select('column_name')) as { column_name: string }[]
  ).map((c) => `"${c.column_name}"`);
  const tokens = Array.from({ length: count }, () => newToken());
  const copied = await db.raw(
    `insert into drafts (token_hash, ${columns.join(', ')})
     select hash, ${columns.join(', ')} from drafts, unnest(cast(? as text[])) as hash
      where token_hash = ?`,
    [tokens.map(hashCode), hashCode(token)],
  );
  if ((copied as { rowCount: number }).rowCount !== count)
    throw new Error('the draft of the citizen who answered could not be copied');
  // What autovacuum does within a minute of a change this size, and long before citizens who
  // started one by one reach their check page: the planner learns that the drafts are many
  // (it would otherwise look each up by scanning them all), and the drafts the bursts before
  // deleted are cleared away.
  await db.raw('vacuum analyze drafts');
  return tokens.map((t) => ({ cookie: model.cookieWithDraft(t), submitForm: model.submitForm }));
}

/**
 * Phase B: every citizen's final submit, `connections` at a time, with the run's load generator
 * (as the one-INSERT ceiling is loaded); stops after `limitSeconds` whatever is left.
 */
export async function burstSubmits(
  base: string,
  citizens: ReadyCitizen[],
  options: { connections: number; limitSeconds: number },
): Promise<SubmitsReport> {
  if (citizens.length === 0) throw new Error('no citizen could be made ready to submit');
  return generator() === 'wrk'
    ? burstWithWrk(base, citizens, options)
    : burstWithAutocannon(base, citizens, options);
}

const submitRequest = (citizen: ReadyCitizen): WrkRequest => ({
  method: 'POST',
  path: SUBMIT_PATH,
  headers: { cookie: citizen.cookie, 'content-type': 'application/x-www-form-urlencoded' },
  body: citizen.submitForm,
});

async function burstWithWrk(
  base: string,
  citizens: ReadyCitizen[],
  options: { connections: number; limitSeconds: number },
): Promise<SubmitsReport> {
  const run = await wrkList(base, citizens.map(submitRequest), {
    connections: options.connections,
    seconds: options.limitSeconds,
    expect: { status: 303, location: THANK_YOU_PATH },
  });
  const out = outcome();
  out.acknowledged = run.expected;
  for (const status of run.statuses) fail(out, new Error(`a submit answered ${status}`));
  out.failed = run.unexpected + run.latencies.errors;
  return {
    ...out,
    citizens: citizens.length,
    seconds: round1(run.seconds),
    submitsPerSecond: round1(run.expected / run.seconds),
    latency: run.latencies,
  };
}

async function burstWithAutocannon(
  base: string,
  citizens: ReadyCitizen[],
  options: { connections: number; limitSeconds: number },
): Promise<SubmitsReport> {
  const out = outcome();
  const times: number[] = [];
  const queue = [...citizens];
  const instance = autocannon({
    url: base,
    connections: Math.min(options.connections, citizens.length),
    amount: citizens.length,
    requests: [
      {
        setupRequest(request, context) {
          const citizen = queue.shift();
          // autocannon builds exactly `amount` requests; this stays only as a harmless guard.
          if (!citizen) return { ...request, method: 'GET', path: '/healthz' };
          context.submitting = true;
          return {
            ...request,
            method: 'POST',
            path: SUBMIT_PATH,
            headers: {
              cookie: citizen.cookie,
              'content-type': 'application/x-www-form-urlencoded',
            },
            body: citizen.submitForm,
          };
        },
        onResponse(status, _body, context, headers) {
          if (!context.submitting) return;
          const location = Object.entries(headers).find(([name]) => /^location$/i.test(name));
          if (acknowledged(status, String(location?.[1]))) out.acknowledged++;
          else fail(out, new Error(`a submit answered ${status}`));
        },
      },
    ],
  });
  // autocannon notices that `amount` requests are done only at its next one-second tick, and
  // reports that as the duration: the burst is timed here, from its start to its last answer.
  const started = performance.now();
  let lastAnswer = started;
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    times.push(ms);
    lastAnswer = performance.now();
  });
  const stop = setTimeout(() => instance.stop(), options.limitSeconds * 1000);
  const result = await instance;
  clearTimeout(stop);
  const duration = (lastAnswer - started) / 1000;
  out.failed += result.errors;
  const latency = summarise(times, duration, {
    errors: result.errors,
    non2xx: times.length - out.acknowledged,
  });
  return {
    ...out,
    citizens: citizens.length,
    seconds: round1(duration),
    submitsPerSecond: round1(out.acknowledged / duration),
    latency,
  };
}

/**
 * Phase C: the citizens' final submits sent at `rate` per second, each at its scheduled time
 * (see openLoop); waits at most `graceSeconds` after the last one left.
 */
export async function pacedSubmits(
  base: string,
  citizens: ReadyCitizen[],
  options: { rate: number; graceSeconds: number },
): Promise<PacedReport> {
  const out = outcome();
  const run = await openLoop(base, citizens.map(submitRequest), options);
  for (const answer of run.answers) {
    if (acknowledged(answer.status, answer.location)) out.acknowledged++;
    else fail(out, new Error(`a submit answered ${answer.status}`));
  }
  for (const error of run.errors) fail(out, new Error(error));
  if (run.unanswered > 0) {
    fail(out, new Error(`${run.unanswered} submits unanswered after ${options.graceSeconds} s`));
    out.failed += run.unanswered - 1;
  }
  return {
    ...out,
    citizens: citizens.length,
    targetRate: round1(options.rate),
    seconds: round1(run.seconds),
    submitsPerSecond: round1(out.acknowledged / run.seconds),
    latency: summarise(
      run.answers.map((a) => a.ms),
      run.seconds,
      { errors: run.errors.length + run.unanswered, non2xx: run.answers.length - out.acknowledged },
    ),
  };
}
