import { buffer } from 'node:stream/consumers';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import {
  protectCell,
  protectTable,
  type ProtectedTable,
} from '../../src/domain/disclosure/index.js';
import { completionRate, tableStatistic } from '../../src/domain/result-stats.js';
import type { Questionnaire } from '../../src/domain/questionnaire/schema.js';
import { validateQuestionnaire } from '../../src/domain/questionnaire/validate.js';
import {
  aboutSheet,
  codebookSheet,
  codebookWithAbout,
  exportName,
  resultRows,
  resultsSheet,
  type ExportableResults,
  type ExportSheet,
} from '../../src/domain/results-export.js';
import { rawResults, type CellCount } from '../../src/domain/results.js';
import { unprotectCell } from '../../src/domain/spreadsheet-cells.js';
import { csvStream, jsonStream, xlsxStream } from '../../src/services/export-writers.js';

/** Texts a spreadsheet would run as formulas if they reached a cell as they are. */
const PAYLOADS = ['=HYPERLINK("http://x","y")', '+1', '-2', '@SUM(1)', '\tTAB', '\rCR'];

const both = (en: string, pl: string) => ({ en, pl });

function tinyDefinition(): Questionnaire {
  const result = validateQuestionnaire({
    schemaVersion: 1,
    slug: 'tiny',
    country: 'PL',
    languages: ['en', 'pl'],
    defaultLanguage: 'en',
    title: both('Tiny', 'Mała'),
    purpose: both('Testing', 'Test'),
    organiser: both('Us', 'My'),
    sections: [
      {
        key: 'only',
        title: both('Only', 'Jedyna'),
        questions: [
          {
            key: 'colour',
            type: 'single-choice',
            required: true,
            text: both(PAYLOADS[0]!, PAYLOADS[1]!),
            options: [
              { key: 'red', label: both(PAYLOADS[2]!, PAYLOADS[3]!) },
              { key: 'blue', label: both('Blue', 'Niebieski') },
            ],
          },
          {
            key: 'age',
            type: 'number',
            dimension: true,
            text: both('Age?', 'Wiek?'),
            min: 16,
            max: 99,
            bands: [
              { key: 'young', min: 16, max: 39 },
              { key: 'old', min: 40, max: 99, label: both('40 and over', '40 i więcej') },
            ],
          },
          {
            key: 'consent',
            type: 'consent-matrix',
            required: true,
            text: both('Consent?', 'Zgoda?'),
            purposes: [{ key: 'research', label: both('Research', 'Badania'), duo: 'DUO:0000042' }],
            choices: [
              { key: 'yes', label: both('Yes', 'Tak') },
              { key: 'no', label: both('No', 'Nie') },
            ],
          },
          {
            key: 'benefit',
            type: 'likert',
            text: both('It helps.', 'To pomaga.'),
            scale: {
              points: [
                { key: 'no', label: both('No', 'Nie') },
                { key: 'maybe', label: both('Maybe', 'Może') },
                { key: 'yes', label: both('Yes', 'Tak') },
              ],
              dontKnow: { key: 'dont_know', label: both("Don't know", 'Nie wiem') },
            },
          },
          { key: 'comments', type: 'text', text: both('Anything else?', 'Coś jeszcze?') },
        ],
      },
    ],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.questionnaire;
}

/**
 * Maintained counts of 30 respondents: 25 said red and 5 blue; everyone said yes to consent;
 * 12 no, 18 yes that it helps. Four starts were abandoned.
 */
function cells(): CellCount[] {
  let key = 12345;
  const cell = (questionKey: string, item: string, value: string, count: number) => ({
    questionKey,
    item,
    value,
    groupValue: '',
    count,
    keySum: (key = (key * 7919 + count) % 4294967296),
  });
  return [
    cell('$responses', '', '', 30),
    cell('$week', '', '2026-W01', 30),
    cell('colour', '', 'red', 25),
    cell('colour', '', 'blue', 5),
    cell('colour', '', '$answered', 30),
    cell('consent', 'research', 'yes', 30),
    cell('consent', 'research', '$answered', 30),
    cell('benefit', '', 'no', 12),
    cell('benefit', '', 'yes', 18),
    cell('benefit', '', '$answered', 30),
    cell('$abandoned', '', '', 4),
  ];
}

function results(): ExportableResults {
  const definition = tinyDefinition();
  const policy = { threshold: 10 };
  const counts = cells();
  const total = (q: string, v = '') => counts.find((c) => c.questionKey === q && c.value === v)!;
  const responses: ProtectedTable = protectTable(
    {
      values: ['all'],
      groups: [''],
      multiple: false,
      cells: { all: { '': total('$responses') } },
      totals: { '': total('$responses') },
    },
    policy,
  );
  const weeks = protectTable(
    {
      values: ['2026-W01'],
      groups: [''],
      multiple: false,
      cells: { '2026-W01': { '': total('$week', '2026-W01') } },
      totals: { '': total('$responses') },
    },
    policy,
  );
  const abandoned = protectCell(total('$abandoned'), policy);
  return {
    slug: 'tiny',
    version: 3,
    definition,
    policy,
    by: '',
    responses,
    weeks,
    abandoned,
    completion: completionRate(responses.cells.all?.[''], abandoned),
    questions: rawResults(definition, counts, ['']).map(({ question, tables }) => ({
      question,
      tables: tables.map(({ spec, raw }) => {
        const table = protectTable(raw, policy);
        return { spec, table, statistic: tableStatistic(spec, table) };
      }),
    })),
  };
}

const rowsOf = (sheet: ExportSheet) =>
  [...sheet.rows].map((row) => Object.fromEntries(sheet.columns.map((c, i) => [c, row[i]])));

describe('the results flattened for export', () => {
  it('gives every number of the protected tables, exactly, one row each', () => {
    const r = results();
    const rows = [...resultRows(r)];
    const colour = r.questions.find((q) => q.question.key === 'colour')!.tables[0]!.table;
    expect(rows).toContainEqual([
      'colour',
      '',
      'red',
      '',
      colour.cells.red!['']!.value,
      colour.cells.red!['']!.flag,
      colour.cells.red!['']!.percent,
      null,
    ]);
    // Five said blue: fewer than k, so the row says hidden, never 5.
    expect(rows).toContainEqual(['colour', '', 'blue', '', null, 'c', null, null]);
    expect(rows).toContainEqual([
      'colour',
      '',
      '$answered',
      '',
      colour.totals['']!.value,
      colour.totals['']!.flag,
      null,
      null,
    ]);
    expect(rows[0]).toEqual([
      '$responses',
      '',
      '',
      '',
      r.responses.cells.all!['']!.value,
      r.responses.cells.all!['']!.flag,
      null,
      null,
    ]);
    expect(rows.filter((x) => x[0] === '$week').map((x) => x[2])).toEqual(['2026-W01']);
    // Free text has no table, and so no row.
    expect(rows.some((x) => x[0] === 'comments')).toBe(false);
    for (const row of rows) {
      const count = row[4];
      if (typeof count === 'number') expect(count === 0 || count >= 10).toBe(true);
    }
  });

  it('adds the statistics as rows of their own: the value in the statistic column, or a flag saying why not', () => {
    const r = results();
    const rows = [...resultRows(r)];
    const benefit = r.questions.find((q) => q.question.key === 'benefit')!.tables[0]!.table;
    const [no, yes] = [benefit.cells.no![''], benefit.cells.yes!['']].map((c) => c!.value!);
    const answered = rows.findIndex((x) => x[0] === 'benefit' && x[2] === '$answered');
    // Right after the table it sums up: the protected counts' net score, where "maybe" is 0.
    expect(rows[answered + 1]).toEqual([
      'benefit',
      '',
      '$net_score',
      '',
      null,
      null,
      null,
      Math.round((100 * (yes! - no!)) / (yes! + no!)),
    ]);
    // Four abandoned starts are fewer than k: hidden, and the completion rate with them.
    expect(rows[1]).toEqual(['$abandoned', '', '', '', null, 'c', null, null]);
    expect(rows[2]).toEqual(['$responses', '', '$completion_rate', '', null, 'x', null, null]);
    expect(rows.filter((x) => x[7] !== null).map((x) => x[2])).toEqual(['$net_score']);
  });

  it('carries the questionnaire, version, breakdown and k on every CSV row', () => {
    const [first] = rowsOf(resultsSheet(results()));
    expect(first).toMatchObject({ questionnaire: 'tiny', version: 3, breakdown: '', k: 10 });
  });

  it('names the files by slug, content and breakdown', () => {
    expect(exportName('tiny', 'results')).toBe('tiny-results-all');
    expect(exportName('tiny', 'results', '$language')).toBe('tiny-results-language');
    expect(exportName('tiny', 'results', 'age')).toBe('tiny-results-age');
    expect(exportName('tiny', 'codebook')).toBe('tiny-codebook');
  });
});

describe('the codebook', () => {
  const book = rowsOf(codebookSheet(tinyDefinition()));
  const find = (key: string, item: string, value: string) =>
    book.find((r) => r.question_key === key && r.item === item && r.value === value);

  it('gives each question its type, dimension flag and text in every language', () => {
    expect(find('age', '', '')).toMatchObject({
      type: 'number',
      dimension: 'yes',
      text_en: 'Age?',
      text_pl: 'Wiek?',
    });
    expect(find('comments', '', '')).toMatchObject({ type: 'text', dimension: 'no' });
    expect(find('colour', '', 'red')).toMatchObject({ text_en: '-2', text_pl: '@SUM(1)' });
  });

  it('gives band ranges, and the range as text where a band has no label', () => {
    expect(find('age', '', 'young')).toMatchObject({ min: 16, max: 39, text_en: '16–39' });
    expect(find('age', '', 'old')).toMatchObject({ min: 40, max: 99, text_pl: '40 i więcej' });
  });

  it('gives consent purposes their DUO term', () => {
    expect(find('consent', 'research', '')).toMatchObject({
      duo: 'DUO:0000042',
      text_en: 'Research',
    });
    expect(find('consent', 'research', 'no')).toMatchObject({ text_pl: 'Nie' });
  });

  it('explains the statistics: what they are computed from, and which points make each half', () => {
    expect(find('benefit', '', '$net_score')?.note).toMatch(
      /upper half \(yes\) minus % in the lower half \(no\).*middle: maybe/,
    );
    expect(find('$responses', '', '$completion_rate')?.note).toMatch(/abandoned starts/);
    expect(find('$abandoned', '', '')).toMatchObject({ type: 'abandoned' });
    expect(find('colour', '', '$net_score')).toBeUndefined();
    const about = rowsOf(
      aboutSheet({ questionnaire: 'tiny', version: 3, breakdown: '', threshold: 10 }),
    );
    expect(about.filter((r) => /^flag_[xn]$/.test(String(r.name))).map((r) => r.value)).toEqual([
      'x',
      'n',
    ]);
  });

  it('explains the pseudo-keys and the disclosure parameters', () => {
    expect(find('$responses', '', '')).toMatchObject({ type: 'responses' });
    expect(find('colour', '', '$answered')?.note).toMatch(/base of the percentages/);
    const about = rowsOf(
      aboutSheet({ questionnaire: 'tiny', version: 3, breakdown: '', threshold: 10 }),
    );
    expect(about.find((r) => r.name === 'threshold_k')?.value).toBe(10);
    expect(about.find((r) => r.name === 'max_noise')?.value).toBe(2);
    expect(about.find((r) => r.name === 'publication_step')?.value).toBe(10);
    const single = rowsOf(
      codebookWithAbout(codebookSheet(tinyDefinition()), {
        questionnaire: 'tiny',
        version: 3,
        breakdown: '',
        threshold: 10,
      }),
    );
    expect(
      single.find((r) => r.question_key === '$about' && r.item === 'threshold_k'),
    ).toMatchObject({ value: '10' });
  });
});

describe('the writers', () => {
  const sheet = (): ExportSheet => ({
    name: 'codebook',
    columns: ['key', 'text', 'count'],
    rows: [...PAYLOADS.map((p, i) => [`k${i}`, p, i]), ['plain', 'Blue', null]],
  });

  it('make every formula inert in a CSV cell, and the text comes back with unprotectCell', async () => {
    const csv = (await buffer(csvStream(sheet()))).toString('utf8');
    expect(csv.startsWith('\uFEFFkey,text,count')).toBe(true);
    const records = parse(csv, { bom: true, columns: true }) as Record<string, string>[];
    for (const [i, payload] of PAYLOADS.entries()) {
      const cell = records[i]!.text!;
      expect(cell.startsWith("'"), cell).toBe(true);
      expect(unprotectCell(cell)).toBe(payload);
      expect(records[i]!.count).toBe(String(i));
    }
    expect(records[PAYLOADS.length]).toEqual({ key: 'plain', text: 'Blue', count: '' });
  });

  it('make every formula inert in an XLSX cell, and numbers stay numbers', async () => {
    const data = await buffer(xlsxStream([sheet(), { ...sheet(), name: 'about' }]));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(data as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['codebook', 'about']);
    const ws = workbook.getWorksheet('codebook')!;
    for (const [i, payload] of PAYLOADS.entries()) {
      const cell = ws.getRow(i + 2).getCell(2);
      expect(cell.formula).toBeUndefined();
      // XML reads a carriage return back as a line feed; what matters is the apostrophe first.
      expect(cell.value).toBe(`'${payload.replace('\r', '\n')}`);
      expect(ws.getRow(i + 2).getCell(3).value).toBe(i);
    }
  });

  it('keep JSON exact: texts as they are, numbers as numbers, empty as null', async () => {
    const text = (
      await buffer(jsonStream({ questionnaire: 'tiny', version: 3 }, [sheet()]))
    ).toString('utf8');
    const doc = JSON.parse(text) as { questionnaire: string; codebook: Record<string, unknown>[] };
    expect(doc.questionnaire).toBe('tiny');
    expect(doc.codebook.map((r) => r.text)).toEqual([...PAYLOADS, 'Blue']);
    expect(doc.codebook.at(-1)).toEqual({ key: 'plain', text: 'Blue', count: null });
  });

  it('write a JSON document of many rows in chunks that parse as one', async () => {
    const many: ExportSheet = {
      name: 'rows',
      columns: ['n'],
      rows: (function* () {
        for (let n = 0; n < 1000; n++) yield [n];
      })(),
    };
    const doc = JSON.parse((await buffer(jsonStream({}, [many]))).toString('utf8')) as {
      rows: { n: number }[];
    };
    expect(doc.rows).toHaveLength(1000);
    expect(doc.rows[999]).toEqual({ n: 999 });
  });
});
