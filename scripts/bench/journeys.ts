/**
 * The submission phases of `npm run bench`, each bounded in time:
 * A. whole journeys by `concurrency` citizens at once;
 * B. the final submits of citizens standing on the check page, all at once (autocannon, as the
 *    INSERT ceiling is measured);
 * C. the final submits of other such citizens at a fixed rate (open loop: each submit leaves at
 *    its scheduled time whatever the others do, and its latency counts from that time).
 */
import autocannon from 'autocannon';
import { summarise, type Latencies } from '../bench-results.js';
import { acknowledged, SUBMIT_PATH, VirtualCitizen } from './citizen.js';

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
 * Citizens who have answered every section and stand on the check page: up to `count`, made by
 * `concurrency` at once for at most `seconds`. They post each section without loading it first
 * (their CSRF token stays the same), which makes them ready twice as fast and in the same state.
 */
export async function prepareCitizens(
  base: string,
  options: { count: number; concurrency: number; seconds: number },
): Promise<VirtualCitizen[]> {
  const ready: VirtualCitizen[] = [];
  let claimed = 0;
  const failures = outcome();
  await loops(options.concurrency, options.seconds, async () => {
    if (claimed >= options.count) return false;
    claimed++;
    const citizen = new VirtualCitizen(base);
    try {
      await citizen.begin();
      await citizen.answerAll({ viewSections: false });
      ready.push(citizen);
    } catch (error) {
      claimed--;
      fail(failures, error);
      if (failures.failed > 100)
        throw new Error(`preparing citizens failed: ${failures.reasons.join('; ')}`, {
          cause: error,
        });
    }
    return true;
  });
  return ready;
}

/**
 * Phase B: every citizen's final submit, `connections` at a time, with autocannon; stops after
 * `limitSeconds` whatever is left.
 */
export async function burstSubmits(
  base: string,
  citizens: VirtualCitizen[],
  options: { connections: number; limitSeconds: number },
): Promise<SubmitsReport> {
  if (citizens.length === 0) throw new Error('no citizen could be made ready to submit');
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
 * Phase C: the citizens' final submits sent at `rate` per second, each at its scheduled time;
 * waits at most `graceSeconds` after the last one left.
 */
export async function pacedSubmits(
  citizens: VirtualCitizen[],
  options: { rate: number; graceSeconds: number },
): Promise<PacedReport> {
  const out = outcome();
  const times: number[] = [];
  const sent: Promise<void>[] = [];
  const started = performance.now();
  for (const [i, citizen] of citizens.entries()) {
    const due = started + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sent.push(
      citizen.submit().then(
        (ok) => {
          times.push(performance.now() - due);
          if (ok) out.acknowledged++;
          else fail(out, new Error('a submit was not acknowledged'));
        },
        (error: unknown) => fail(out, error),
      ),
    );
  }
  const grace = new Promise((r) => setTimeout(r, options.graceSeconds * 1000).unref());
  await Promise.race([Promise.all(sent), grace]);
  const seconds = elapsed(started);
  const unanswered = citizens.length - times.length - out.failed;
  if (unanswered > 0) {
    fail(out, new Error(`${unanswered} submits unanswered after ${options.graceSeconds} s`));
    out.failed += unanswered - 1;
  }
  return {
    ...out,
    citizens: citizens.length,
    targetRate: round1(options.rate),
    seconds: round1(seconds),
    submitsPerSecond: round1(out.acknowledged / seconds),
    latency: summarise(times, seconds, { errors: out.failed, non2xx: 0 }),
  };
}
