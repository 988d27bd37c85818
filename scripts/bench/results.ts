/**
 * The results phase of `npm run bench`, on an app just started over the full data set: the
 * results page and its breakdown by country (first view, then under load), and the exports of
 * that breakdown as CSV and XLSX, each timed with the app process's memory read from /proc.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { measurePage, resultsPath, type PageReport } from '../bench-results.js';
import { DEMO_SLUG } from '../../src/paths.js';

export const BREAKDOWN = 'country_of_residence';
/**
 * Viewed once before the measured breakdown, so that its first view times the breakdown itself
 * rather than the first compilation of the breakdown's templates in a fresh process.
 */
export const WARM_BREAKDOWN = 'age';

export interface ExportReport {
  path: string;
  ms: number;
  bytes: number;
  /** The app's resident memory just before the download, in MB. */
  rssBeforeMb: number;
  /** Its peak during the download (since start when the peak could not be reset), in MB. */
  peakMb: number;
  /** peakMb - rssBeforeMb: what the download added at most. */
  riseMb: number;
  /** Whether the peak was reset before the download, so it is the download's own. */
  peakIsOwn: boolean;
}

export interface ResultsReport {
  overview: PageReport;
  breakdown: PageReport;
  exports: { csv: ExportReport; xlsx: ExportReport };
}

interface Memory {
  rssMb: number;
  peakMb: number;
}

/** VmRSS and VmHWM of a process (Linux), in MB. */
function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mbOf = (field: string) =>
    Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024);
  return { rssMb: mbOf('VmRSS'), peakMb: mbOf('VmHWM') };
}

/** Resets a process's peak resident memory to its current one (Linux 4.0+, same user). */
function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

async function download(base: string, path: string, cookie: string, pid: number) {
  const peakIsOwn = resetPeak(pid);
  const before = memoryOf(pid);
  const started = performance.now();
  const res = await fetch(`${base}${path}`, {
    headers: { cookie },
    signal: AbortSignal.timeout(120_000),
  });
  if (res.status !== 200 || !res.body) throw new Error(`${path} answered ${res.status}`);
  let bytes = 0;
  const reader = res.body.getReader();
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
    bytes += chunk.value.byteLength;
  const ms = Math.round((performance.now() - started) * 10) / 10;
  const after = memoryOf(pid);
  return {
    path,
    ms,
    bytes,
    rssBeforeMb: before.rssMb,
    peakMb: after.peakMb,
    riseMb: Math.max(0, after.peakMb - before.rssMb),
    peakIsOwn,
  };
}

export async function measureResults(
  base: string,
  options: {
    cookie: string;
    pid: number;
    seconds: number;
    connections: number;
    log: (message: string) => void;
  },
): Promise<ResultsReport> {
  const overview = await measurePage(base, 'results page', resultsPath(''), options);
  const warm = await fetch(`${base}${resultsPath(WARM_BREAKDOWN)}`, {
    headers: { cookie: options.cookie },
  });
  if (warm.status !== 200)
    throw new Error(`${resultsPath(WARM_BREAKDOWN)} answered ${warm.status}`);
  await warm.text();
  const breakdown = await measurePage(base, `by ${BREAKDOWN}`, resultsPath(BREAKDOWN), options);
  const exportPath = (format: string) =>
    `/admin/questionnaires/${DEMO_SLUG}/results/export?format=${format}&by=${BREAKDOWN}`;
  options.log('exports: CSV and XLSX');
  const csv = await download(base, exportPath('csv'), options.cookie, options.pid);
  const xlsx = await download(base, exportPath('xlsx'), options.cookie, options.pid);
  return { overview, breakdown, exports: { csv, xlsx } };
}
