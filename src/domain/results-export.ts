import {
  MAX_NOISE,
  SMALL_GROUP_FACTOR,
  type DisclosurePolicy,
  type ProtectedCell,
  type ProtectedTable,
} from './disclosure/index.js';
import type { Question } from './question-types/registry-schema.js';
import type { ResultSpec, TableStatisticSpec } from './question-types/types.js';
import type { LocalizedText } from './questionnaire/common.js';
import type { Questionnaire } from './questionnaire/schema.js';
import type { Statistic, TableStatistic } from './result-stats.js';
import { ABANDONED, ANSWERED, LANGUAGE, RESPONSES, resultSpecs, WEEKS } from './results.js';

/**
 * Exports of results as plain tables (DESIGN.md §2.7): the protected tables flattened to one row
 * per number, and a codebook that says what every key means. Pure: the numbers are the protected
 * tables' own, never counted again, so an export always says what the results page says.
 */

/** A cell of an exported table: text, a number, or empty. */
export type ExportValue = string | number | null;

/** One table of an export: a sheet of a workbook, a CSV file, an array of a JSON document. */
export interface ExportSheet {
  name: string;
  columns: string[];
  rows: Iterable<ExportValue[]>;
}

/** The protected results as the results page holds them (services/results.ts). */
export interface ExportableResults {
  slug: string;
  version: number | null;
  definition: Questionnaire;
  policy: DisclosurePolicy;
  /** '' for none, '$language', or a dimension question's key. */
  by: string;
  /** Responses in the published numbers, per group, protected like every other count. */
  responses: ProtectedTable;
  weeks: ProtectedTable;
  /** Starts that ended without a response (expired drafts), everyone only. */
  abandoned: ProtectedCell;
  /** Responses as a percentage of responses and abandoned starts, from the protected counts. */
  completion: Statistic;
  questions: {
    question: Question;
    tables: { spec: ResultSpec; table: ProtectedTable; statistic: TableStatistic | null }[];
  }[];
}

/** The value keys of the statistics' rows, beside the answer keys and $answered. */
export const STATISTIC_VALUES = {
  'net-score': '$net_score',
  'mean-rank': '$mean_rank',
  completion: '$completion_rate',
} as const;

/** The flag of a statistic that is not available: a number it needs is hidden (x), or none (n). */
const UNAVAILABLE_FLAGS = { hidden: 'x', none: 'n' } as const;

export interface ExportHeader {
  questionnaire: string;
  version: number | null;
  /** '' for none, '$language', or a dimension question's key. */
  breakdown: string;
  threshold: number;
}

export const RESULT_COLUMNS = [
  'question_key',
  'item',
  'value',
  'group',
  'count',
  'flag',
  'percent',
  'statistic',
] as const;

export function exportHeader(results: ExportableResults): ExportHeader {
  return {
    questionnaire: results.slug,
    version: results.version,
    breakdown: results.by,
    threshold: results.policy.threshold,
  };
}

function row(
  questionKey: string,
  item: string,
  value: string,
  group: string,
  cell: ProtectedCell | undefined,
  withPercent: boolean,
): ExportValue[] {
  const shown: ProtectedCell = cell ?? { value: null, flag: null, percent: null };
  // A number hidden without a reason (a group of a table whose everyone total is hidden) reads
  // "<k" on the page, so it is flagged c here too.
  const flag = shown.value === null ? (shown.flag ?? 'c') : shown.flag;
  return [
    questionKey,
    item,
    value,
    group,
    shown.value,
    flag,
    withPercent ? shown.percent : null,
    null,
  ];
}

/** A statistic's row: no count, its value as the page shows it, or the flag of its absence. */
function statisticRow(
  questionKey: string,
  item: string,
  value: string,
  group: string,
  statistic: Statistic | undefined,
): ExportValue[] {
  const flag =
    statistic?.value == null ? UNAVAILABLE_FLAGS[statistic?.unavailable ?? 'hidden'] : null;
  return [questionKey, item, value, group, null, flag, null, statistic?.value ?? null];
}

/**
 * The numbers of the results page, one row each: responses per group, abandoned starts and the
 * completion rate, responses per week, then per question table its answers, the number who
 * answered and its statistic (net score, mean rank), per group.
 */
export function* resultRows(results: ExportableResults): Generator<ExportValue[]> {
  const { responses, weeks } = results;
  for (const group of responses.groups)
    yield row(RESPONSES, '', '', group, responses.cells[responses.values[0] ?? '']?.[group], false);
  yield row(ABANDONED, '', '', '', results.abandoned, false);
  yield statisticRow(RESPONSES, '', STATISTIC_VALUES.completion, '', results.completion);
  for (const week of weeks.values)
    for (const group of weeks.groups)
      yield row(WEEKS, '', week, group, weeks.cells[week]?.[group], false);
  for (const { question, tables } of results.questions)
    for (const { spec, table, statistic } of tables) {
      for (const value of table.values)
        for (const group of table.groups)
          yield row(question.key, spec.item, value, group, table.cells[value]?.[group], true);
      for (const group of table.groups)
        yield row(question.key, spec.item, ANSWERED, group, table.totals[group], false);
      if (statistic)
        for (const group of table.groups)
          yield statisticRow(
            question.key,
            spec.item,
            STATISTIC_VALUES[statistic.kind],
            group,
            statistic.groups[group],
          );
    }
}

/**
 * The results as one sheet. A table that stands alone (CSV) carries the questionnaire, version,
 * breakdown and k on every row; one beside its header (JSON, a workbook's about sheet) need not.
 */
export function resultsSheet(results: ExportableResults, standalone = true): ExportSheet {
  const header = exportHeader(results);
  const constant = [header.questionnaire, header.version, header.breakdown, header.threshold];
  return {
    name: 'results',
    columns: [
      ...RESULT_COLUMNS,
      ...(standalone ? ['questionnaire', 'version', 'breakdown', 'k'] : []),
    ],
    rows: standalone
      ? (function* () {
          for (const r of resultRows(results)) yield [...r, ...constant];
        })()
      : resultRows(results),
  };
}

/** The disclosure-control parameters and the meaning of the flags: the "about" of an export. */
export function aboutRows(header: ExportHeader): ExportValue[][] {
  const k = header.threshold;
  return [
    ['questionnaire', header.questionnaire, 'address (slug) of the questionnaire'],
    ['version', header.version, 'published version whose texts the codebook gives'],
    [
      'breakdown',
      header.breakdown,
      `group column: empty for everyone; ${LANGUAGE} = language of the answers; else a dimension question's key`,
    ],
    ['threshold_k', k, 'no shown count is below k; counts of 1 to k-1 are hidden'],
    ['max_noise', MAX_NOISE, 'every shown count is moved by at most this much (cell-key method)'],
    ['publication_step', k, 'results change only after at least this many new responses'],
    [
      'group_disclosure_below',
      SMALL_GROUP_FACTOR * k,
      'a group smaller than this where one answer holds 100 % is hidden (flag g)',
    ],
    ['flag_c', 'c', 'fewer than k respondents: count empty'],
    ['flag_s', 's', 'hidden so that a hidden count cannot be worked out from the others'],
    ['flag_g', 'g', 'everyone in a small group gave the same answer: only the group size is shown'],
    ['flag_z', 'z', 'really nobody: count 0'],
    ['flag_x', 'x', 'statistic not available: a number it is computed from is hidden'],
    ['flag_n', 'n', 'statistic not available: no answers to compute it from'],
    ['method', 'docs/disclosure-control.md', 'how the numbers are protected'],
    [
      'statistics',
      'docs/results-statistics.md',
      'net scores, mean ranks and the completion rate: computed from the protected numbers only',
    ],
  ];
}

export function aboutSheet(header: ExportHeader): ExportSheet {
  return { name: 'about', columns: ['name', 'value', 'note'], rows: aboutRows(header) };
}

/** A question with the tables its results have (values of older versions included). */
export interface CodebookQuestion {
  question: Question;
  tables: { spec: ResultSpec }[];
}

/** The questions of a definition that collect answers, with their declared tables. */
export function codebookQuestions(definition: Questionnaire): CodebookQuestion[] {
  return resultSpecs(definition).map(({ question, specs }) => ({
    question,
    tables: specs.map((spec) => ({ spec })),
  }));
}

const PSEUDO_NOTES = {
  responses: 'responses in these results, per group',
  abandoned:
    'starts that ended without a response (unfinished answers deleted when their time ran out), everyone only; published in steps of k',
  completion:
    'completion rate (statistic column): responses as a whole percentage of responses plus abandoned starts, from the protected counts; everyone only',
  week: 'responses per ISO week of submission (value: year-Wweek), everyone only',
  answered: 'respondents who answered this question or row: the base of the percentages',
};

/** What a table's statistic row holds, for the codebook. */
function statisticNote(statistic: TableStatisticSpec): string {
  if (statistic.kind === 'mean-rank')
    return "mean rank (statistic column): sum of position × count over the sum of the counts of this option's positions, 1 = ranked first, one decimal; from the protected counts, absent (flag x) if one is hidden";
  const keys = (list: string[]) => (list.length === 0 ? 'none' : list.join(', '));
  return `net score (statistic column): % of answers in the upper half (${keys(statistic.upper)}) minus % in the lower half (${keys(statistic.lower)}) among the answers on a point of the scale (middle: ${keys(statistic.middle)}; other values left out), whole number from -100 to +100; from the protected counts, absent (flag x) if one is hidden`;
}

/**
 * The data dictionary: per question its type, dimension flag and text in every language; per
 * table its item (row, purpose, ranked option) with its DUO term; per value its key, label and
 * band range. Keys join the rows of the results on (question_key, item, value).
 */
export function codebookSheet(
  definition: Questionnaire,
  questions: CodebookQuestion[] = codebookQuestions(definition),
): ExportSheet {
  const languages = definition.languages;
  const texts = (text: LocalizedText | undefined, fallback = ''): ExportValue[] =>
    languages.map((lang) => text?.[lang] ?? fallback);
  const line = (
    cells: [string, string, boolean | '', string, string, string, number | null, number | null],
    note: string,
    localized: ExportValue[],
  ): ExportValue[] => [
    ...cells.map((c) => (typeof c === 'boolean' ? (c ? 'yes' : 'no') : c)),
    note,
    ...localized,
  ];
  const none = texts(undefined);
  return {
    name: 'codebook',
    columns: [
      'question_key',
      'type',
      'dimension',
      'item',
      'value',
      'duo',
      'min',
      'max',
      'note',
      ...languages.map((lang) => `text_${lang}`),
    ],
    rows: (function* () {
      yield line(
        [RESPONSES, 'responses', '', '', '', '', null, null],
        PSEUDO_NOTES.responses,
        none,
      );
      yield line(
        [RESPONSES, 'responses', '', '', STATISTIC_VALUES.completion, '', null, null],
        PSEUDO_NOTES.completion,
        none,
      );
      yield line(
        [ABANDONED, 'abandoned', '', '', '', '', null, null],
        PSEUDO_NOTES.abandoned,
        none,
      );
      yield line([WEEKS, 'week', '', '', '', '', null, null], PSEUDO_NOTES.week, none);
      for (const { question, tables } of questions) {
        const { key, type, dimension } = question;
        yield line([key, type, dimension, '', '', '', null, null], '', texts(question.text));
        for (const { spec } of tables) {
          if (spec.item !== '')
            yield line(
              [key, type, dimension, spec.item, '', spec.duo ?? '', null, null],
              '',
              texts(spec.label),
            );
          for (const v of spec.values)
            yield line(
              [
                key,
                type,
                dimension,
                spec.item,
                v.key,
                '',
                v.range?.min ?? null,
                v.range?.max ?? null,
              ],
              '',
              texts(v.label, v.text ?? v.key),
            );
          yield line(
            [key, type, dimension, spec.item, ANSWERED, '', null, null],
            PSEUDO_NOTES.answered,
            none,
          );
          if (spec.statistic)
            yield line(
              [
                key,
                type,
                dimension,
                spec.item,
                STATISTIC_VALUES[spec.statistic.kind],
                '',
                null,
                null,
              ],
              statisticNote(spec.statistic),
              none,
            );
        }
      }
    })(),
  };
}

/** The codebook as one table: the about rows follow as question_key '$about'. */
export function codebookWithAbout(codebook: ExportSheet, header: ExportHeader): ExportSheet {
  const width = codebook.columns.length;
  const noteAt = codebook.columns.indexOf('note');
  const valueAt = codebook.columns.indexOf('value');
  const itemAt = codebook.columns.indexOf('item');
  return {
    ...codebook,
    rows: (function* () {
      yield* codebook.rows;
      for (const [name, value, note] of aboutRows(header)) {
        const cells: ExportValue[] = Array.from({ length: width }, () => '');
        cells[0] = '$about';
        cells[itemAt] = name ?? '';
        cells[valueAt] = value === null ? '' : String(value);
        cells[noteAt] = note ?? '';
        yield cells;
      }
    })(),
  };
}

/** The attachment name of an export: `<slug>-results-<breakdown|all>` or `<slug>-codebook`. */
export function exportName(slug: string, content: 'results' | 'codebook', by = ''): string {
  if (content === 'codebook') return `${slug}-codebook`;
  return `${slug}-results-${by === '' ? 'all' : by.replace(/^\$/, '')}`;
}
