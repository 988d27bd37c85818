/**
 * The report of `npm run bench`: every figure with its ratio to its ceiling, the targets of
 * DESIGN.md §8 and whether each is met, and a readable summary (Markdown). Pure functions.
 */
import type { Fill, Generator, Latencies, PageReport } from '../bench-results.js';
import type { Ceilings } from './ceilings.js';
import type { JourneysReport, PacedReport, SubmitsReport } from './journeys.js';
import type { ExportReport } from './results.js';

export interface PageLoad {
  path: string;
  load: Latencies;
}

/** Responses stored by the submission phases against the submits acknowledged. */
export interface StoredCheck {
  acknowledged: number;
  stored: number;
  passed: boolean;
}

export interface Measurements {
  ceilings: Ceilings;
  /**
   * `section` is a section the citizen has not answered yet, as everybody meets it (sent from
   * the page cache); `sectionAnswered` the same section showing the citizen's own answers,
   * rendered for them.
   */
  pages: { start: PageLoad; section: PageLoad; sectionAnswered: PageLoad };
  submissions: {
    journeys: JourneysReport;
    /** The bursts of submits that warmed the app up before `burst` was measured. */
    warmUp: SubmitsReport[];
    burst: SubmitsReport;
    halfLoad: PacedReport;
    check: StoredCheck;
  };
  results: {
    responses: number;
    fill: Fill;
    overview: PageReport;
    breakdown: PageReport;
  };
  exports: { csv: ExportReport; xlsx: ExportReport };
}

export interface Settings {
  responses: number;
  seconds: number;
  connections: number;
  poolMax: number;
  /** The app's rate limits during the run (raised: all load comes from one address). */
  rateLimit: number;
  /** The load generator of every measured phase but the paced submits. */
  generator: Generator;
}

export type Ceiling = 'hello world' | 'one INSERT';

export interface Figure {
  name: string;
  value: number;
  unit: string;
  p50?: number;
  p95?: number;
  p99?: number;
  ceiling?: Ceiling;
  /** value / the ceiling's requests per second. */
  ratio?: number;
}

export interface Target {
  name: string;
  value: number;
  /** `ratio` values and limits are fractions of a ceiling. */
  unit: 'ratio' | 'ms' | 'MB';
  comparison: 'at least' | 'below';
  limit: number;
  met: boolean;
}

export interface BenchReport {
  date: string;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string };
  settings: Settings;
  totalSeconds: number;
  notes: string[];
  measurements: Measurements;
  figures: Figure[];
  targets: Target[];
  targetsMet: boolean;
  /** Stored responses equal acknowledged submits. */
  checkPassed: boolean;
}

/** Most a download may add to the app's resident memory for its memory to count as bounded. */
export const EXPORT_MEMORY_LIMIT_MB = 100;

/** `value` as a fraction of `ceiling`, to three places (0 when there is no ceiling). */
export function ratio(value: number, ceiling: number): number {
  if (!(ceiling > 0)) return 0;
  return Math.round((value / ceiling) * 1000) / 1000;
}

function withRatio(figure: Figure, ceilings: Ceilings): Figure {
  if (!figure.ceiling) return figure;
  const of = figure.ceiling === 'hello world' ? ceilings.hello : ceilings.insert;
  return { ...figure, ratio: ratio(figure.value, of.requestsPerSecond) };
}

const requests = (name: string, l: Latencies, ceiling?: Ceiling): Figure => ({
  name,
  value: l.requestsPerSecond,
  unit: 'requests/s',
  p50: l.p50,
  p95: l.p95,
  p99: l.p99,
  ceiling,
});

/** Every figure of the run, each with its ratio to its ceiling where it has one. */
export function figures(m: Measurements, connections: number): Figure[] {
  const { journeys, burst, halfLoad } = m.submissions;
  const { overview, breakdown } = m.results;
  const submits = (name: string, s: SubmitsReport): Figure => ({
    name,
    value: s.submitsPerSecond,
    unit: 'submits/s',
    p50: s.latency.p50,
    p95: s.latency.p95,
    p99: s.latency.p99,
    ceiling: 'one INSERT',
  });
  const download = (name: string, e: ExportReport): Figure => ({ name, value: e.ms, unit: 'ms' });
  const list: Figure[] = [
    requests('ceiling: bare Express "hello world"', m.ceilings.hello),
    requests('ceiling: bare Express + one INSERT per request', m.ceilings.insert),
    requests('start page', m.pages.start.load, 'hello world'),
    requests('section page', m.pages.section.load, 'hello world'),
    requests(
      "section page with the citizen's answers",
      m.pages.sectionAnswered.load,
      'hello world',
    ),
    {
      name: 'whole journeys',
      value: journeys.journeysPerSecond,
      unit: 'journeys/s',
      p50: journeys.journey.p50,
      p95: journeys.journey.p95,
      p99: journeys.journey.p99,
      ceiling: 'one INSERT',
    },
    submits('final submit, all at once', burst),
    submits('final submit at half that rate', halfLoad),
    requests('results page, 1 connection', overview.sequential, 'hello world'),
    requests(`results page, ${connections} connections`, overview.loaded, 'hello world'),
    requests('breakdown, 1 connection', breakdown.sequential, 'hello world'),
    requests(`breakdown, ${connections} connections`, breakdown.loaded, 'hello world'),
    download('CSV export', m.exports.csv),
    download('XLSX export', m.exports.xlsx),
  ];
  return list.map((figure) => withRatio(figure, m.ceilings));
}

function target(
  name: string,
  value: number,
  unit: Target['unit'],
  comparison: Target['comparison'],
  limit: number,
): Target {
  const met = comparison === 'at least' ? value >= limit : value < limit;
  return { name, value, unit, comparison, limit, met };
}

/** The targets of DESIGN.md §8, each with its measured value and whether it is met. */
export function evaluateTargets(m: Measurements): Target[] {
  const hello = m.ceilings.hello.requestsPerSecond;
  const insert = m.ceilings.insert.requestsPerSecond;
  const { exports } = m;
  const rise = Math.max(exports.csv.riseMb, exports.xlsx.riseMb);
  return [
    target(
      'start page, of the "hello world" ceiling',
      ratio(m.pages.start.load.requestsPerSecond, hello),
      'ratio',
      'at least',
      0.5,
    ),
    target(
      'section page, of the "hello world" ceiling',
      ratio(m.pages.section.load.requestsPerSecond, hello),
      'ratio',
      'at least',
      0.35,
    ),
    target(
      'final submit, of the one-INSERT ceiling',
      ratio(m.submissions.burst.submitsPerSecond, insert),
      'ratio',
      'at least',
      0.5,
    ),
    target('final submit p99 at half load', m.submissions.halfLoad.latency.p99, 'ms', 'below', 100),
    target('results page p95 (1 connection)', m.results.overview.sequential.p95, 'ms', 'below', 50),
    target('breakdown, first view', m.results.breakdown.firstMs, 'ms', 'below', 500),
    target('exports: most memory a download adds', rise, 'MB', 'below', EXPORT_MEMORY_LIMIT_MB),
  ];
}

/** Notes a reader needs to weigh the figures. */
export function notes(m: Measurements, settings: Settings): string[] {
  const list = [
    `All load comes from one address (127.0.0.1), so the app ran with its rate limits raised to ` +
      `${settings.rateLimit} (RATE_LIMIT_POSTS_PER_MINUTE, RATE_LIMIT_SUBMITS_PER_10_MINUTES); ` +
      'every post still goes through the limiter, whose counter is then one row for all clients.',
    `The load generator (${settings.generator}) runs on the same machine as the app and ` +
      'PostgreSQL, and loads the ceilings as it loads what they are the ceilings of, so the ' +
      'ratios compare like with like' +
      (settings.generator === 'wrk'
        ? '.'
        : '; autocannon costs the machine far more for the submits (a request of its own for ' +
          'each citizen) than for the ceiling (one request again and again), which lowers the ' +
          'submit ratio: install wrk to measure the app rather than the generator.'),
    'The citizens whose final submits are measured all at once and at half load are made ready ' +
      'by one citizen answering through the app, whose draft is then copied under new tokens; ' +
      'bursts of submits warm the app up until its rate is steady (every load phase is ' +
      'measured after some of the same load). Whole journeys measure answering through the app.',
  ];
  list.push(
    'The start page and the section page (not yet answered) are the same for every citizen but ' +
      'for the CSRF token, and are sent from a cache of rendered pages; a section showing a ' +
      "citizen's own answers is rendered for each request (reported beside them, no target).",
  );
  if (!m.exports.csv.peakIsOwn || !m.exports.xlsx.peakIsOwn)
    list.push("The app's peak memory could not be reset before each export: it is since start.");
  return list;
}

export function buildReport(
  m: Measurements,
  context: Pick<BenchReport, 'date' | 'machine' | 'settings' | 'totalSeconds'>,
): BenchReport {
  const targets = evaluateTargets(m);
  return {
    ...context,
    notes: notes(m, context.settings),
    measurements: m,
    figures: figures(m, context.settings.connections),
    targets,
    targetsMet: targets.every((t) => t.met),
    checkPassed: m.submissions.check.passed,
  };
}

const number = (n: number) => n.toLocaleString('en-GB', { maximumFractionDigits: 1 });
const percent = (r: number) => `${Math.round(r * 100)} %`;
const ms = (n: number | undefined) => (n === undefined ? '' : `${number(n)} ms`);
const table = (head: string[], rows: string[][]) =>
  [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => ' --- ').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');

function targetValue(t: Target, value: number): string {
  if (t.unit === 'ratio') return percent(value);
  return `${number(value)} ${t.unit}`;
}

function figureTable(list: Figure[]): string {
  return table(
    ['figure', 'value', 'p50', 'p95', 'p99', 'ceiling', 'ratio'],
    list.map((f) => [
      f.name,
      `${number(f.value)} ${f.unit}`,
      ms(f.p50),
      ms(f.p95),
      ms(f.p99),
      f.ceiling ?? '',
      f.ratio === undefined ? '' : percent(f.ratio),
    ]),
  );
}

function exportTable(exports: Measurements['exports']): string {
  return table(
    ['export', 'time', 'size', 'app memory before', 'peak', 'rise'],
    Object.entries(exports).map(([format, e]) => [
      `${format.toUpperCase()} ${e.path}`,
      ms(e.ms),
      `${number(e.bytes / 1024)} KB`,
      `${e.rssBeforeMb} MB`,
      `${e.peakMb} MB`,
      `${e.riseMb} MB`,
    ]),
  );
}

/** The readable summary: what ran, every figure, the check and the targets. */
export function formatSummary(report: BenchReport): string {
  const { settings, machine, measurements: m } = report;
  const { journeys, warmUp, burst, halfLoad, check } = m.submissions;
  const fill = m.results.fill;
  const failures = [journeys, ...warmUp, burst, halfLoad]
    .flatMap((o) => o.reasons)
    .filter((reason, i, all) => all.indexOf(reason) === i);
  return [
    '# Consulta benchmark',
    '',
    `${report.date}: ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ` +
      `${machine.node}. ${settings.seconds} s per load phase, ${settings.connections} ` +
      `connections, a pool of ${settings.poolMax} database connections; ` +
      `${number(report.totalSeconds)} s in all.`,
    '',
    ...report.notes.map((n) => `- ${n}`),
    '',
    '## Figures',
    '',
    figureTable(report.figures),
    '',
    `Whole journeys: ${journeys.journeys} in ${settings.seconds} s by ${settings.connections} ` +
      `citizens at once (submit p50 ${ms(journeys.submit.p50)}, p99 ${ms(journeys.submit.p99)}). ` +
      `All at once: ${burst.citizens} citizens on the check page in ${burst.seconds} s, after ` +
      `${warmUp.length} bursts of ${warmUp[0]?.citizens ?? 0} to warm up (` +
      `${warmUp.map((w) => `${number(w.submitsPerSecond)}/s`).join(', ')}). ` +
      `Half load: ${halfLoad.citizens} submits sent at ${number(halfLoad.targetRate)}/s over ` +
      `${halfLoad.seconds} s.`,
    '',
    `Check, stored responses = acknowledged submits: ${number(check.stored)} stored, ` +
      `${number(check.acknowledged)} acknowledged: ${check.passed ? 'passed' : 'FAILED'}.`,
    ...(failures.length > 0 ? ['', `Failures: ${failures.join('; ')}.`] : []),
    '',
    `## Results at ${number(m.results.responses)} responses`,
    '',
    (fill.simulateSeconds === null
      ? 'Simulation: none needed. '
      : `Simulated ${number(fill.missing)} responses in ${number(fill.simulateSeconds)} s. `) +
      `Folded in ${number(fill.foldSeconds)} s. First views after a restart: results page ` +
      `${ms(m.results.overview.firstMs)}; breakdown ${m.results.breakdown.path} ` +
      `${ms(m.results.breakdown.firstMs)} (after one by another dimension, so that its ` +
      'templates were compiled already).',
    '',
    exportTable(m.exports),
    '',
    '## Targets (DESIGN.md §8)',
    '',
    table(
      ['target', 'measured', 'limit', 'met'],
      report.targets.map((t) => [
        t.name,
        targetValue(t, t.value),
        `${t.comparison} ${targetValue(t, t.limit)}`,
        t.met ? 'yes' : '**no**',
      ]),
    ),
    '',
    `${report.targets.filter((t) => t.met).length} of ${report.targets.length} targets met; ` +
      `the stored-responses check ${report.checkPassed ? 'passed' : 'FAILED'}.`,
    '',
  ].join('\n');
}
