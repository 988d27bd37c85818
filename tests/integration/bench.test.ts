import { describe, expect, it } from 'vitest';
import type { Latencies, PageReport } from '../../scripts/bench-results.js';
import {
  buildReport,
  evaluateTargets,
  formatSummary,
  ratio,
  type Measurements,
  type Target,
} from '../../scripts/bench/report.js';
import type { ExportReport } from '../../scripts/bench/results.js';

const latencies = (rps: number, p50 = 5, p95 = 10, p99 = 20): Latencies => ({
  requests: rps * 10,
  requestsPerSecond: rps,
  p50,
  p95,
  p99,
  max: p99,
  errors: 0,
  non2xx: 0,
});

const page = (firstMs: number, p95: number): PageReport => ({
  path: '/admin/questionnaires/genomic-data-sharing/results',
  firstMs,
  sequential: latencies(60, 15, p95, p95 + 5),
  loaded: latencies(80, 120, 190, 240),
});

const download = (riseMb: number): ExportReport => ({
  path: '/admin/questionnaires/genomic-data-sharing/results/export?format=csv',
  ms: 400,
  bytes: 600_000,
  rssBeforeMb: 200,
  peakMb: 200 + riseMb,
  riseMb,
  peakIsOwn: true,
});

const outcome = { acknowledged: 100, failed: 0, reasons: [] };

/** A run where every target is met by a clear margin, for tests to spoil one figure at a time. */
function goodRun(): Measurements {
  return {
    ceilings: { hello: latencies(12_000), insert: latencies(4_000) },
    pages: {
      start: { path: '/en/q/genomic-data-sharing', load: latencies(7_000) },
      section: { path: '/en/q/genomic-data-sharing/s/1', load: latencies(5_000) },
      sectionAnswered: { path: '/en/q/genomic-data-sharing/s/1', load: latencies(2_000) },
    },
    submissions: {
      journeys: {
        ...outcome,
        journeys: 500,
        journeysPerSecond: 50,
        journey: latencies(50, 180, 260, 300),
        submit: latencies(50),
      },
      warmUp: [1700, 2400].map((rate) => ({
        ...outcome,
        citizens: 2500,
        seconds: 2500 / rate,
        submitsPerSecond: rate,
        latency: latencies(rate),
      })),
      burst: {
        ...outcome,
        citizens: 3000,
        seconds: 1.2,
        submitsPerSecond: 2500,
        latency: latencies(2500),
      },
      halfLoad: {
        ...outcome,
        citizens: 12_500,
        seconds: 10,
        targetRate: 1250,
        submitsPerSecond: 1250,
        latency: latencies(1250, 4, 8, 30),
      },
      check: { acknowledged: 15_600, stored: 15_600, passed: true },
    },
    results: {
      responses: 1_000_000,
      fill: { missing: 984_400, simulateSeconds: 330, foldSeconds: 140 },
      overview: page(100, 30),
      breakdown: page(300, 45),
    },
    exports: { csv: download(10), xlsx: download(20) },
  };
}

const context = {
  date: '2026-11-23T05:00:00.000Z',
  machine: { cpus: 2, cpuModel: 'AMD EPYC', memoryGb: 24, node: 'v20.20.2' },
  settings: {
    responses: 1_000_000,
    seconds: 10,
    connections: 10,
    poolMax: 10,
    rateLimit: 1e9,
    generator: 'wrk' as const,
  },
  totalSeconds: 600,
};

const targetNamed = (targets: Target[], name: RegExp) => {
  const found = targets.find((t) => name.test(t.name));
  if (!found) throw new Error(`no target matches ${name}`);
  return found;
};

describe('the benchmark report', () => {
  it('gives each figure as a fraction of its ceiling, and none without a ceiling', () => {
    expect(ratio(6_000, 12_000)).toBe(0.5);
    expect(ratio(1, 3)).toBe(0.333);
    expect(ratio(100, 0)).toBe(0);
    const figures = buildReport(goodRun(), context).figures;
    const named = (name: string) => figures.find((f) => f.name === name);
    expect(named('start page')).toMatchObject({ ceiling: 'hello world', ratio: 0.583 });
    expect(named('final submit, all at once')).toMatchObject({
      ceiling: 'one INSERT',
      ratio: 0.625,
    });
    expect(named('CSV export')?.ratio).toBeUndefined();
  });

  it('meets every target of a good run', () => {
    const report = buildReport(goodRun(), context);
    expect(report.targets.map((t) => [t.name, t.met])).toEqual(
      report.targets.map((t) => [t.name, true]),
    );
    expect(report.targetsMet).toBe(true);
    expect(report.checkPassed).toBe(true);
  });

  it('misses the start-page target at 49 % of "hello world" and meets it at exactly 50 %', () => {
    const run = goodRun();
    run.pages.start.load = latencies(5_880);
    expect(targetNamed(evaluateTargets(run), /start page/).met).toBe(false);
    run.pages.start.load = latencies(6_000);
    expect(targetNamed(evaluateTargets(run), /start page/).met).toBe(true);
  });

  it('holds the section page to 35 % of "hello world"', () => {
    const run = goodRun();
    run.pages.section.load = latencies(4_100);
    expect(targetNamed(evaluateTargets(run), /section page/)).toMatchObject({
      value: 0.342,
      met: false,
    });
  });

  it('compares the final submit with the one-INSERT ceiling, not with "hello world"', () => {
    const run = goodRun();
    run.ceilings.insert = latencies(6_000);
    const submit = targetNamed(evaluateTargets(run), /final submit, of/);
    expect(submit).toMatchObject({ value: 0.417, limit: 0.5, met: false });
  });

  it('misses a latency limit that is reached, not only one that is passed', () => {
    const run = goodRun();
    run.submissions.halfLoad.latency = latencies(1250, 4, 8, 100);
    run.results.overview = page(100, 50);
    run.results.breakdown = page(500, 20);
    const missed = evaluateTargets(run).filter((t) => !t.met);
    expect(missed.map((t) => t.name)).toEqual([
      'final submit p99 at half load',
      'results page p95 (1 connection)',
      'breakdown, first view',
    ]);
  });

  it('judges export memory by the larger rise of the two downloads', () => {
    const run = goodRun();
    run.exports.xlsx = download(150);
    expect(targetNamed(evaluateTargets(run), /exports/)).toMatchObject({ value: 150, met: false });
  });

  it('summarises every figure and target, marks misses and says when the check failed', () => {
    const run = goodRun();
    run.pages.section.load = latencies(3_000);
    run.submissions.check = { acknowledged: 15_600, stored: 15_599, passed: false };
    const report = buildReport(run, context);
    const summary = formatSummary(report);
    expect(report.checkPassed).toBe(false);
    expect(summary).toContain(
      '| start page | 7,000 requests/s | 5 ms | 10 ms | 20 ms | hello world | 58 % |',
    );
    expect(summary).toContain(
      '| section page, of the "hello world" ceiling | 25 % | at least 35 % | **no** |',
    );
    expect(summary).toContain('| final submit p99 at half load | 30 ms | below 100 ms | yes |');
    expect(summary).toContain('15,599 stored, 15,600 acknowledged: FAILED');
    expect(summary).toContain('6 of 7 targets met; the stored-responses check FAILED.');
    expect(summary).toMatch(/rate limits raised/);
    expect(summary).toContain('## Results at 1,000,000 responses');
    expect(summary).toMatch(
      /\| section page with the citizen's answers \| 2,000 requests\/s .* 17 % \|/,
    );
  });
});
