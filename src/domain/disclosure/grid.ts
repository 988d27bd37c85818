import { addKey, assertRawCell, KEY_MODULUS, type RawCell } from './cell-key.js';
import type { Flag } from './cell.js';

/** One question (or one row of a matrix question) by one breakdown: values × groups. */
export interface RawTable {
  /** Answer keys (options, scale points, bands, rank positions) in display order. */
  values: string[];
  /**
   * '' = everyone; else the values of one dimension (e.g. band keys of age), in display order.
   * A breakdown should carry the '' numbers too (in `totals['']` and `cells[value]['']`), even
   * when the page does not show that column: respondents who gave no value of the dimension
   * are only known from the difference. Without `totals['']`, the groups are taken to cover
   * everyone who answered.
   */
  groups: string[];
  /** cells[value][group]; missing = {count:0,keySum:0}. */
  cells: Record<string, Record<string, RawCell>>;
  /** Respondents who answered, per group (base of percentages). */
  totals: Record<string, RawCell>;
  /** True for multi-choice: a respondent may count in several values, cells don't sum to the total. */
  multiple: boolean;
}

/** A number of the table while it is being protected. */
export interface Entry extends RawCell {
  /** The number as it will be shown; null = hidden. */
  value: number | null;
  flag: Flag | null;
  /** Settled elsewhere (the everyone column) or never shown (the rest): never hidden to protect. */
  frozen: boolean;
}

/**
 * The table as a grid with its margins. Rows: the values, then the totals. Columns: the breakdown
 * groups, then the rest (respondents who answered but are in none of the groups; never shown),
 * then everyone. Every number lies in one row and one column, and where counts add up, each row
 * and each column sums: the everyone column to the groups plus the rest, the values to the total.
 */
export interface Grid {
  values: string[];
  breakdown: string[];
  multiple: boolean;
  entries: Entry[][];
  totalRow: number;
  restColumn: number;
  everyoneColumn: number;
  /** Whether anyone is in the rest (else the rest column holds known zeros). */
  hasRest: boolean;
}

const EMPTY: RawCell = { count: 0, keySum: 0 };

export function buildGrid(table: RawTable): Grid {
  assertUnique(table.values, 'value');
  assertUnique(table.groups, 'group');
  const breakdown = table.groups.filter((g) => g !== '');
  const raw = (value: string | null, group: string): RawCell => {
    const cell = value === null ? table.totals[group] : table.cells[value]?.[group];
    assertRawCell(cell ?? EMPTY);
    return cell ?? EMPTY;
  };
  const rowKeys = [...table.values, null];
  const everyoneGiven = table.totals[''] !== undefined;
  const entries = rowKeys.map((value) => {
    const groups = breakdown.map((g) => raw(value, g));
    const everyone = everyoneGiven ? raw(value, '') : sum(groups);
    const rest = difference(everyone, sum(groups));
    return [...groups, rest, everyone].map((cell): Entry => ({
      ...cell,
      value: null,
      flag: null,
      frozen: false,
    }));
  });
  const grid: Grid = {
    values: table.values,
    breakdown,
    multiple: table.multiple,
    entries,
    totalRow: table.values.length,
    restColumn: breakdown.length,
    everyoneColumn: breakdown.length + 1,
    hasRest: entries[table.values.length]![breakdown.length]!.count > 0,
  };
  assertConsistent(grid);
  return grid;
}

export function entryAt(grid: Grid, row: number, column: number): Entry {
  return grid.entries[row]![column]!;
}

/** The entries of one column, values first and the total last. */
export function columnOf(grid: Grid, column: number): Entry[] {
  return grid.entries.map((row) => row[column]!);
}

export function hide(entry: Entry, flag: Flag | null): void {
  entry.value = null;
  entry.flag = flag;
}

function sum(cells: RawCell[]): RawCell {
  return cells.reduce(
    (acc, cell) => ({ count: acc.count + cell.count, keySum: addKey(acc.keySum, cell.keySum) }),
    EMPTY,
  );
}

function difference(whole: RawCell, part: RawCell): RawCell {
  if (part.count > whole.count) throw new RangeError('the groups hold more than everyone');
  return {
    count: whole.count - part.count,
    keySum: (whole.keySum - part.keySum + KEY_MODULUS) % KEY_MODULUS,
  };
}

function assertUnique(keys: string[], what: string): void {
  if (new Set(keys).size !== keys.length) throw new RangeError(`duplicate ${what} in a table`);
}

/** Single choice: each column's cells sum to its total; multiple: no cell exceeds it. */
function assertConsistent(grid: Grid): void {
  for (let column = 0; column <= grid.everyoneColumn; column++) {
    const entries = columnOf(grid, column);
    const total = entries.pop()!.count;
    const cells = entries.map((e) => e.count);
    const ok = grid.multiple
      ? cells.every((c) => c <= total)
      : cells.reduce((a, b) => a + b, 0) === total;
    if (!ok) throw new RangeError('the cells of a table do not fit its totals');
  }
}
