import type { ProtectedCell, ProtectedTable } from './disclosure/index.js';
import type { ResultSpec, TableStatisticSpec } from './question-types/types.js';

/**
 * Summary statistics of the results: net scores of Likert scales, mean ranks of rankings and
 * the completion rate. They are computed from the protected numbers only, never from raw
 * counts (DESIGN.md §4.3), so they tell nothing that the published tables do not already tell;
 * when a number they need is hidden, they are not available. Definitions:
 * docs/results-statistics.md.
 */

/** Why a statistic is not shown: a number it needs is hidden, or there is nothing to count. */
export type Unavailable = 'hidden' | 'none';

export type Statistic =
  { value: number; unavailable: null } | { value: null; unavailable: Unavailable };

/** The statistic of one results table, per group ('' for everyone). */
export interface TableStatistic {
  kind: TableStatisticSpec['kind'];
  groups: Record<string, Statistic>;
}

const shown = (value: number): Statistic => ({ value: value === 0 ? 0 : value, unavailable: null });
const unavailable = (why: Unavailable): Statistic => ({ value: null, unavailable: why });

/** Rounds half away from zero, so that reversing a scale only flips the sign of its net score. */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** The protected counts of some values in one group, or null if any of them is hidden. */
function countsOf(table: ProtectedTable, values: string[], group: string): number[] | null {
  const counts = values.map((v) => table.cells[v]?.[group]?.value ?? null);
  return counts.every((c): c is number => c !== null) ? counts : null;
}

const sum = (numbers: number[]) => numbers.reduce((a, b) => a + b, 0);

/**
 * The net score of a scale table in one group: the percentage of answers on the upper half of
 * the points minus the percentage on the lower half, among the answers on a point of the scale
 * (the middle point counts in the base; "don't know" and points of older versions do not).
 * A whole number from −100 to +100.
 */
export function netScore(
  table: ProtectedTable,
  spec: Extract<TableStatisticSpec, { kind: 'net-score' }>,
  group: string,
): Statistic {
  const lower = countsOf(table, spec.lower, group);
  const middle = countsOf(table, spec.middle, group);
  const upper = countsOf(table, spec.upper, group);
  if (!lower || !middle || !upper) return unavailable('hidden');
  const base = sum(lower) + sum(middle) + sum(upper);
  if (base === 0) return unavailable('none');
  return shown(roundHalfAway((100 * (sum(upper) - sum(lower))) / base));
}

/**
 * The mean rank of a ranked option in one group: Σ position × protected count over Σ protected
 * counts of its positions (1 = ranked first), to one decimal.
 */
export function meanRank(table: ProtectedTable, group: string): Statistic {
  const positions = table.values.filter((v) => /^[1-9]\d*$/.test(v));
  const counts = countsOf(table, positions, group);
  if (!counts) return unavailable('hidden');
  const base = sum(counts);
  if (base === 0) return unavailable('none');
  const weighted = sum(counts.map((c, i) => c * Number(positions[i])));
  return shown(Math.round((10 * weighted) / base) / 10);
}

/**
 * Responses as a whole percentage of the starts that have ended: protected responses over
 * protected responses plus protected abandoned starts (drafts that expired unsubmitted).
 */
export function completionRate(
  responses: ProtectedCell | undefined,
  abandoned: ProtectedCell | undefined,
): Statistic {
  const r = responses?.value ?? null;
  const a = abandoned?.value ?? null;
  if (r === null || a === null) return unavailable('hidden');
  if (r + a === 0) return unavailable('none');
  return shown(Math.round((100 * r) / (r + a)));
}

/** The statistic a table's spec asks for, in every group of the protected table. */
export function tableStatistic(spec: ResultSpec, table: ProtectedTable): TableStatistic | null {
  const wanted = spec.statistic;
  if (!wanted) return null;
  const of = (group: string) =>
    wanted.kind === 'net-score' ? netScore(table, wanted, group) : meanRank(table, group);
  return {
    kind: wanted.kind,
    groups: Object.fromEntries(table.groups.map((group) => [group, of(group)])),
  };
}

/**
 * Ranked options from the lowest mean rank (ranked first most often) to the highest; equal
 * means keep the order of the definition, and options without a mean come last.
 */
export function byMeanRank<T>(items: T[], mean: (item: T) => Statistic): T[] {
  const key = (item: T) => mean(item).value ?? Number.POSITIVE_INFINITY;
  return items
    .map((item, index) => ({ item, index, key: key(item) }))
    .sort((a, b) => (a.key === b.key ? a.index - b.index : a.key < b.key ? -1 : 1))
    .map(({ item }) => item);
}
