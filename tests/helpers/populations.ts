import fc from 'fast-check';
import {
  addKey,
  recordKeyInt,
  type RawCell,
  type RawTable,
} from '../../src/domain/disclosure/index.js';

/** One respondent of a generated population: a record key, the options chosen, a group per dimension. */
export interface Respondent {
  recordKey: number;
  /** Indexes of the options chosen; empty = did not answer the question. */
  choices: number[];
  /** Group index per dimension; null = did not answer that dimension. */
  groups: (number | null)[];
}

export interface Population {
  k: number;
  options: number;
  multiple: boolean;
  dimensions: number[];
  respondents: Respondent[];
}

/** Skewed towards the first value, so that unanimous and empty groups come up often. */
const skewed = (max: number) => fc.oneof(fc.constant(0), fc.nat(max));

const respondent = (p: Omit<Population, 'respondents'>): fc.Arbitrary<Respondent> =>
  fc.record({
    recordKey: fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
    choices: p.multiple
      ? fc
          .array(fc.boolean(), { minLength: p.options, maxLength: p.options })
          .map((picked) => picked.flatMap((on, i) => (on ? [i] : [])))
      : fc
          .option(skewed(p.options - 1), { nil: null, freq: 8 })
          .map((i) => (i === null ? [] : [i])),
    groups: fc.tuple(
      ...p.dimensions.map((size) => fc.option(skewed(size - 1), { nil: null, freq: 6 })),
    ),
  });

/** Small populations: k 5..10, a question with 2–6 options, two dimensions of 2–4 groups. */
export const populations = (maxRespondents = 60): fc.Arbitrary<Population> =>
  fc
    .record({
      k: fc.integer({ min: 5, max: 10 }),
      options: fc.integer({ min: 2, max: 6 }),
      multiple: fc.boolean(),
      dimensions: fc.tuple(fc.integer({ min: 2, max: 4 }), fc.integer({ min: 2, max: 4 })),
    })
    .chain((p) =>
      fc
        .array(respondent(p), { maxLength: maxRespondents })
        .map((respondents) => ({ ...p, respondents })),
    );

const valueKey = (i: number) => `o${i}`;
const groupKey = (dimension: number, i: number) => `d${dimension}g${i}`;

/**
 * The raw table the database would return for these respondents: no breakdown (dimension null),
 * or by one dimension with the everyone column ('') first.
 */
export function rawTable(
  p: Population,
  respondents: Respondent[],
  dimension: number | null,
): RawTable {
  const values = Array.from({ length: p.options }, (_, i) => valueKey(i));
  const groups =
    dimension === null
      ? ['']
      : ['', ...Array.from({ length: p.dimensions[dimension]! }, (_, i) => groupKey(dimension, i))];
  const cells: Record<string, Record<string, RawCell>> = {};
  const totals: Record<string, RawCell> = {};
  const add = (into: Record<string, RawCell>, group: string, key: number) => {
    const cell = into[group] ?? { count: 0, keySum: 0 };
    into[group] = { count: cell.count + 1, keySum: addKey(cell.keySum, key) };
  };
  for (const r of respondents) {
    if (r.choices.length === 0) continue;
    const key = recordKeyInt(r.recordKey);
    const group = dimension === null ? null : r.groups[dimension];
    const inGroups =
      group === null || group === undefined ? [''] : ['', groupKey(dimension!, group)];
    for (const g of inGroups) add(totals, g, key);
    for (const choice of r.choices) {
      const row = (cells[valueKey(choice)] ??= {});
      for (const g of inGroups) add(row, g, key);
    }
  }
  return { values, groups, cells, totals, multiple: p.multiple };
}

/** Every table a coordinator may ask for: no breakdown, then a breakdown by each dimension. */
export function allowedTables(p: Population, respondents: Respondent[]): RawTable[] {
  return [null, ...p.dimensions.map((_, d) => d)].map((d) => rawTable(p, respondents, d));
}
