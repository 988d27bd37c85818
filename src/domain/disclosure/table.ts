import { protectCell, type Flag, type ProtectedCell } from './cell.js';
import type { RawCell } from './cell-key.js';
import {
  buildGrid,
  columnOf,
  entryAt,
  hide,
  type Entry,
  type Grid,
  type RawTable,
} from './grid.js';
import { SMALL_GROUP_FACTOR, thresholdOf, type DisclosurePolicy } from './policy.js';
import { protectFromRecovery } from './recovery.js';

export interface ProtectedTable {
  values: string[];
  groups: string[];
  cells: Record<string, Record<string, ProtectedCell>>;
  totals: Record<string, ProtectedCell>;
  /** Groups whose total is hidden (and so every cell of them). */
  hiddenGroups: string[];
}

/**
 * Protects one table (docs/disclosure-control.md): every number perturbed by its cell key, then
 * the threshold, group, group-disclosure and complementary-suppression rules. The everyone column
 * is decided on its own first, so it is the same in every breakdown of the question; the groups
 * are then protected around it.
 */
export function protectTable(table: RawTable, policy: DisclosurePolicy): ProtectedTable {
  const k = thresholdOf(policy);
  const grid = buildGrid(table);
  const safe = protectEveryone(grid, k) && (grid.breakdown.length === 0 || protectGroups(grid, k));
  if (!safe) hideAll(grid, 's');
  return present(grid, table);
}

/**
 * Protects the sizes of a breakdown's groups (respondents per group, everyone in ''): the
 * threshold, the group rule and the cell key, as the totals of a table; not "same answer for
 * all", which would read every member of a group being counted as one shared answer. The result
 * is a table of one row, `all`, so it shows and exports like any other.
 */
export function protectGroupSizes(
  sizes: Record<string, RawCell>,
  groups: string[],
  policy: DisclosurePolicy,
): ProtectedTable {
  // Multiple: with no answer rows, nothing needs to add up to the totals.
  const counted = protectTable(
    { values: [], groups, multiple: true, cells: {}, totals: sizes },
    policy,
  );
  return { ...counted, values: ['all'], cells: { all: counted.totals } };
}

function protectEveryone(grid: Grid, k: number): boolean {
  const column = grid.everyoneColumn;
  const total = entryAt(grid, grid.totalRow, column);
  show(total, k);
  if (total.value === null) {
    hideAll(grid, 'c');
    return true;
  }
  protectCells(grid, column, k);
  return protectFromRecovery(grid, k, {
    rows: false,
    columns: !grid.multiple,
    columnsInPlay: [column],
  });
}

function protectGroups(grid: Grid, k: number): boolean {
  // Everyone's column is hidden (a small unanimous population): so is every group, or a
  // group's column would show what everyone's hides.
  if (entryAt(grid, grid.totalRow, grid.everyoneColumn).value === null) {
    for (const column of grid.breakdown.map((_, c) => c)) hideColumn(grid, column, 's');
    return true;
  }
  for (const entry of columnOf(grid, grid.everyoneColumn)) entry.frozen = true;
  for (const entry of columnOf(grid, grid.restColumn)) {
    Object.assign(entry, grid.hasRest ? { value: null, flag: null } : { value: 0, flag: 'z' });
    entry.frozen = true;
  }
  const groups = grid.breakdown.map((_, column) => column);
  for (const column of groups) {
    const total = entryAt(grid, grid.totalRow, column);
    show(total, k);
    if (total.value === null) hideColumn(grid, column, 'c');
  }
  protectRest(grid, k);
  for (const column of groups) {
    if (entryAt(grid, grid.totalRow, column).value !== null) protectCells(grid, column, k);
  }
  return protectFromRecovery(grid, k, {
    rows: true,
    columns: !grid.multiple,
    columnsInPlay: [...groups, ...(grid.hasRest ? [grid.restColumn] : []), grid.everyoneColumn],
  });
}

/**
 * The group rule: everyone minus the shown groups is a group an attacker can compute (the hidden
 * groups and the respondents in none of them); while it holds 1..k-1 people, the smallest shown
 * group is hidden too. This also keeps the complement of every shown group at 0 or at least k.
 */
function protectRest(grid: Grid, k: number): void {
  const everyone = entryAt(grid, grid.totalRow, grid.everyoneColumn).count;
  for (;;) {
    const shown = grid.breakdown
      .map((_, column) => ({ column, total: entryAt(grid, grid.totalRow, column) }))
      .filter(({ total }) => total.value !== null);
    const residual = everyone - shown.reduce((sum, { total }) => sum + total.count, 0);
    if (residual === 0 || residual >= k) return;
    const smallest = shown
      .filter(({ total }) => total.count > 0)
      .sort((a, b) => a.total.count - b.total.count || a.column - b.column)[0];
    if (!smallest) return;
    hideColumn(grid, smallest.column, 's');
  }
}

/** Threshold on every cell of a shown column, then group disclosure. */
function protectCells(grid: Grid, column: number, k: number): void {
  const entries = columnOf(grid, column);
  const total = entries.pop()!;
  for (const entry of entries) show(entry, k);
  const small = total.count > 0 && total.count < SMALL_GROUP_FACTOR * k;
  if (small && entries.some((entry) => entry.count === total.count)) {
    for (const entry of entries) hide(entry, 'g');
  }
}

function show(entry: Entry, k: number): void {
  const { value, flag } = protectCell(entry, { threshold: k });
  entry.value = value;
  entry.flag = flag;
}

function hideColumn(grid: Grid, column: number, flag: Flag): void {
  for (const entry of columnOf(grid, column)) hide(entry, flag);
}

/** Hides every number, keeping the reason of those already hidden. */
function hideAll(grid: Grid, flag: Flag): void {
  for (const entry of grid.entries.flat()) {
    const hidden = entry.value === null && entry.flag !== null;
    hide(entry, hidden ? entry.flag : flag);
  }
}

function present(grid: Grid, table: RawTable): ProtectedTable {
  const columnOfGroup = (group: string) =>
    group === '' ? grid.everyoneColumn : grid.breakdown.indexOf(group);
  const totals: Record<string, ProtectedCell> = {};
  const cells: Record<string, Record<string, ProtectedCell>> = {};
  for (const group of table.groups) {
    const total = entryAt(grid, grid.totalRow, columnOfGroup(group));
    totals[group] = { value: total.value, flag: total.flag, percent: null };
  }
  table.values.forEach((value, row) => {
    cells[value] = {};
    for (const group of table.groups) {
      const entry = entryAt(grid, row, columnOfGroup(group));
      const base = totals[group]!.value;
      cells[value][group] = { value: entry.value, flag: entry.flag, percent: percent(entry, base) };
    }
  });
  const hiddenGroups = table.groups.filter((group) => totals[group]!.value === null);
  return { values: table.values, groups: table.groups, cells, totals, hiddenGroups };
}

/** Whole percent of protected numbers, kept within 0..100 (noise may push a cell past its base). */
function percent(entry: Entry, base: number | null): number | null {
  if (entry.value === null || base === null || base === 0) return null;
  return Math.min(100, Math.max(0, Math.round((100 * entry.value) / base)));
}
