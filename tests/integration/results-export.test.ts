import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen, completeDemo, DEMO } from '../helpers/citizen.js';
import { databaseUrlOf, runCli } from '../helpers/cli.js';
import { account, signedIn } from '../helpers/coordinator.js';
import { demoCountry, downloadBytes } from '../helpers/results.js';

let t: TestApp;
let coordinator: Citizen;
const RESULTS = `/admin/questionnaires/${DEMO}/results`;
const K = 10;
const folder = mkdtempSync(join(tmpdir(), 'consulta-export-'));

/** One exported number, whatever the format it came in. */
interface Row {
  question_key: string;
  item: string;
  value: string;
  group: string;
  count: number | null;
  flag: string | null;
  percent: number | null;
}

const numberOrNull = (v: unknown) => (v === '' || v === null || v === undefined ? null : Number(v));
const textOrNull = (v: unknown) => (v === '' || v === null || v === undefined ? null : String(v));

function fromCsv(csv: string): Row[] {
  const records = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
  return records.map((r) => ({
    question_key: r.question_key!,
    item: r.item!,
    value: r.value!,
    group: r.group!,
    count: numberOrNull(r.count),
    flag: textOrNull(r.flag),
    percent: numberOrNull(r.percent),
  }));
}

async function fromXlsx(data: Buffer): Promise<Row[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ArrayBuffer);
  expect(workbook.worksheets.map((w) => w.name)).toEqual(['results', 'codebook', 'about']);
  const sheet = workbook.getWorksheet('results')!;
  const columns = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Row[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const at = (name: string) => row.getCell(columns.indexOf(name) + 1).value;
    rows.push({
      question_key: String(at('question_key') ?? ''),
      item: String(at('item') ?? ''),
      value: String(at('value') ?? ''),
      group: String(at('group') ?? ''),
      count: numberOrNull(at('count')),
      flag: textOrNull(at('flag')),
      percent: numberOrNull(at('percent')),
    });
  });
  return rows;
}

function fromJson(text: string): Row[] {
  const doc = JSON.parse(text) as {
    questionnaire: string;
    policy: { threshold: number };
    rows: Row[];
  };
  expect(doc.questionnaire).toBe(DEMO);
  expect(doc.policy.threshold).toBe(K);
  return doc.rows;
}

async function exported(format: 'csv' | 'xlsx' | 'json', by = ''): Promise<Row[]> {
  const query = by === '' ? '' : `&by=${encodeURIComponent(by)}`;
  const { res, data } = await downloadBytes(
    coordinator,
    `${RESULTS}/export?format=${format}${query}`,
  );
  expect(res.status).toBe(200);
  if (format === 'csv') return fromCsv(data.toString('utf8'));
  if (format === 'xlsx') return fromXlsx(data);
  return fromJson(data.toString('utf8'));
}

/** Every number of the results page, in its order, as it reads there. */
async function pageNumbers(by: string): Promise<string[]> {
  await coordinator.get(by === '' ? RESULTS : `${RESULTS}?by=${encodeURIComponent(by)}`);
  return [...coordinator.html.matchAll(/<td class="table__numeric">([\s\S]*?)<\/td>/g)].map((m) =>
    m[1]!
      .replace(/<span class="results__percent">\(([^)]*)\)<\/span>/, '$1')
      .replace(/&lt;/g, '<')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

/** Rows of statistics (net score, mean rank, completion rate): a value, not a count. */
const isStatistic = (row: Row) =>
  ['$net_score', '$mean_rank', '$completion_rate'].includes(row.value);
/**
 * The page shows the statistics and the abandoned starts apart from the count tables (in the
 * overview and beside each question); results-stats.test.ts compares those.
 */
const shownApart = (row: Row) => isStatistic(row) || row.question_key === '$abandoned';

/** How the page writes an exported number: the count, "<k" or ×, then the percent. */
function asOnPage(row: Row): string {
  const shown = row.count === null ? (row.flag === 'c' ? `<${K}` : '×') : String(row.count);
  return row.percent === null ? shown : `${shown} ${row.percent} %`;
}

beforeAll(async () => {
  t = await createTestApp();
  const country = await demoCountry(t.db);
  await account(t.deps, 'coordinator@example.org', 'coordinator', [country]);
  await account(t.deps, 'analyst@example.org', 'analyst', [country]);
  await account(t.deps, 'elsewhere@example.org', 'coordinator', [country === 'DE' ? 'FR' : 'DE']);
  coordinator = await signedIn(t.app, 'coordinator@example.org');
  // Four answers in English and eight in Polish: at least k together, so they are published.
  for (let i = 0; i < 4; i++) await completeDemo(new Citizen(t.app), 'en');
  for (let i = 0; i < 8; i++) await completeDemo(new Citizen(t.app), 'pl');
  await coordinator.get(RESULTS);
});
afterAll(async () => t.close());

describe('exports of the protected results', () => {
  for (const by of ['', '$language']) {
    for (const format of ['csv', 'xlsx', 'json'] as const) {
      it(`${format}${by ? ` by ${by}` : ''}: every number is the page's, in the page's order`, async () => {
        const rows = (await exported(format, by)).filter((r) => !shownApart(r));
        const page = await pageNumbers(by);
        expect(page.length).toBeGreaterThan(100);
        expect(rows.some((r) => r.count !== null && r.count >= K)).toBe(true);
        expect(rows.map(asOnPage)).toEqual(page);
      });
    }
  }

  it('no count of 1 to k-1 appears in any export, in any breakdown', async () => {
    for (const by of ['', '$language', 'age', 'gender'])
      for (const format of ['csv', 'xlsx', 'json'] as const)
        for (const row of await exported(format, by)) {
          if (row.count !== null)
            expect(row.count === 0 || row.count >= K, JSON.stringify(row)).toBe(true);
          if (row.count === null && !isStatistic(row)) expect(['c', 's', 'g']).toContain(row.flag);
        }
  });

  it('takes the protected tables, not a recount: the four English answers stay hidden as "<k"', async () => {
    const rows = await exported('csv', '$language');
    const english = rows.find((r) => r.question_key === '$responses' && r.group === 'en');
    expect(english).toEqual({
      question_key: '$responses',
      item: '',
      value: '',
      group: 'en',
      count: null,
      flag: 'c',
      percent: null,
    });
    const answered = rows.filter((r) => r.group === 'en' && r.value === '$answered');
    expect(answered.length).toBeGreaterThan(10);
    for (const r of answered) expect(r).toMatchObject({ count: null, flag: 'c' });
  });

  it('is offered on the results page in three formats, keeping the breakdown, with the codebook', async () => {
    await coordinator.get(`${RESULTS}?by=$language`);
    const html = coordinator.html;
    for (const format of ['csv', 'xlsx', 'json']) {
      expect(html).toContain(`href="${RESULTS}/export?format=${format}&amp;by=%24language"`);
      expect(html).toContain(`href="${RESULTS}/codebook?format=${format}"`);
    }
    expect(html).toContain('>Results as CSV</a>');
    expect(html).toContain('>Codebook as JSON</a>');
    const { res } = await downloadBytes(coordinator, `${RESULTS}/export?format=csv&by=%24language`);
    expect(res.status).toBe(200);
  });

  it('is a download that is never cached, named by questionnaire and breakdown', async () => {
    const csv = await downloadBytes(coordinator, `${RESULTS}/export?format=csv&by=$language`);
    expect(csv.res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.res.headers['content-disposition']).toBe(
      `attachment; filename=${DEMO}-results-language.csv`,
    );
    expect(csv.res.headers['cache-control']).toBe('no-store');
    const xlsx = await downloadBytes(coordinator, `${RESULTS}/export?format=xlsx`);
    expect(xlsx.res.headers['content-type']).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    expect(xlsx.res.headers['content-disposition']).toContain(`${DEMO}-results-all.xlsx`);
    const json = await downloadBytes(coordinator, `${RESULTS}/export?format=json&by=age`);
    expect(json.res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.res.headers['content-disposition']).toContain(`${DEMO}-results-age.json`);
  });

  it('comes with a codebook in every format', async () => {
    const csv = await downloadBytes(coordinator, `${RESULTS}/codebook?format=csv`);
    expect(csv.res.status).toBe(200);
    expect(csv.res.headers['content-disposition']).toContain(`${DEMO}-codebook.csv`);
    const book = parse(csv.data.toString('utf8'), { bom: true, columns: true }) as Record<
      string,
      string
    >[];
    const age = book.find((r) => r.question_key === 'age' && r.value === '')!;
    expect(age).toMatchObject({ type: 'number', dimension: 'yes', text_en: 'How old are you?' });
    expect(Object.keys(age)).toEqual(
      expect.arrayContaining(['text_de', 'text_fr', 'text_pl', 'text_ar']),
    );
    expect(
      book.some((r) => r.question_key === 'consent_by_purpose' && /^DUO:\d{7}$/.test(r.duo!)),
    ).toBe(true);
    expect(book.find((r) => r.question_key === '$about' && r.item === 'threshold_k')?.value).toBe(
      '10',
    );
    const xlsx = await downloadBytes(coordinator, `${RESULTS}/codebook?format=xlsx`);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.data as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['codebook', 'about']);
    const json = await downloadBytes(coordinator, `${RESULTS}/codebook?format=json`);
    const doc = JSON.parse(json.data.toString('utf8')) as { codebook: unknown[]; about: unknown[] };
    expect(doc.codebook.length).toBe(book.filter((r) => r.question_key !== '$about').length);
  });

  it('is open to analysts, hidden from other countries, and refuses a bad format or breakdown', async () => {
    const analyst = await signedIn(t.app, 'analyst@example.org');
    expect((await downloadBytes(analyst, `${RESULTS}/export?format=csv`)).res.status).toBe(200);
    expect((await downloadBytes(analyst, `${RESULTS}/codebook?format=json`)).res.status).toBe(200);
    const elsewhere = await signedIn(t.app, 'elsewhere@example.org');
    expect((await elsewhere.get(`${RESULTS}/export?format=csv`)).status).toBe(404);
    expect((await elsewhere.get(`${RESULTS}/codebook?format=csv`)).status).toBe(404);
    for (const query of [
      'format=pdf',
      '',
      'format=csv&by=comments',
      'format=csv&by=x&by=y',
      'format=csv&x=1',
    ]) {
      const res = await coordinator.get(`${RESULTS}/export?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.headers['content-type'], query).toMatch(/^text\/html/);
    }
    expect((await coordinator.get(`${RESULTS}/codebook?format=ods`)).status).toBe(400);
  });

  it('records every export in the audit log, with its format and breakdown and no number', async () => {
    await t.db('audit_log').where('action', 'results-export').delete();
    await downloadBytes(coordinator, `${RESULTS}/export?format=csv&by=$language`);
    await downloadBytes(coordinator, `${RESULTS}/export?format=xlsx`);
    await downloadBytes(coordinator, `${RESULTS}/codebook?format=json`);
    const entries = (await t
      .db('audit_log')
      .where('action', 'results-export')
      .orderBy('id')
      .select('actor_email', 'target', 'details')) as {
      actor_email: string;
      target: string;
      details: Record<string, unknown>;
    }[];
    expect(entries).toEqual([
      {
        actor_email: 'coordinator@example.org',
        target: DEMO,
        details: { content: 'results', format: 'csv', by: '$language', version: 1 },
      },
      {
        actor_email: 'coordinator@example.org',
        target: DEMO,
        details: { content: 'results', format: 'xlsx', by: '', version: 1 },
      },
      {
        actor_email: 'coordinator@example.org',
        target: DEMO,
        details: { content: 'codebook', format: 'json', by: '', version: 1 },
      },
    ]);
  });
});

describe('results:export on the command line', () => {
  const cli = (...args: string[]) => runCli(databaseUrlOf(t.db), '', args);

  it('writes the same CSV as the download, and the audit log says it was the command line', async () => {
    for (const by of ['', '$language']) {
      const byArgs = by === '' ? [] : ['--by', by];
      const result = await cli('results:export', DEMO, '--format', 'csv', ...byArgs);
      expect(result.code, result.stderr).toBe(0);
      const query = by === '' ? '' : `&by=${encodeURIComponent(by)}`;
      const { data } = await downloadBytes(coordinator, `${RESULTS}/export?format=csv${query}`);
      expect(result.stdout).toBe(data.toString('utf8'));
    }
    const last = (await t
      .db('audit_log')
      .where('action', 'results-export')
      .whereNull('actor_email')
      .orderBy('id', 'desc')
      .first('details')) as { details: Record<string, unknown> };
    expect(last.details).toEqual({
      content: 'results',
      format: 'csv',
      by: '$language',
      version: 1,
      source: 'command line',
    });
  });

  it('writes an XLSX workbook to a file', async () => {
    const out = join(folder, 'results.xlsx');
    const result = await cli(
      'results:export',
      DEMO,
      '--format',
      'xlsx',
      '--by',
      'age',
      '--out',
      out,
    );
    expect(result.code, result.stderr).toBe(0);
    const rows = await fromXlsx(readFileSync(out));
    expect(rows.some((r) => r.group !== '')).toBe(true);
  });

  it('answers 2 for an unknown questionnaire, format or breakdown', async () => {
    expect((await cli('results:export', 'no-such-thing', '--format', 'csv')).code).toBe(2);
    expect((await cli('results:export', DEMO, '--format', 'pdf')).code).toBe(2);
    const badBy = await cli('results:export', DEMO, '--format', 'json', '--by', 'comments');
    expect(badBy.code).toBe(2);
    expect(badBy.stderr).toContain('cannot be broken down by "comments"');
  });
});
