// Placeholder for the disclosure-control module being written on branch wip-sdc; replaced on merge.
export const MIN_THRESHOLD = 5;
export const DEFAULT_THRESHOLD = 10;
export interface DisclosurePolicy {
  threshold: number;
}
export interface RawCell {
  count: number;
  keySum: number;
}
export interface RawTable {
  values: string[];
  groups: string[];
  cells: Record<string, Record<string, RawCell>>;
  totals: Record<string, RawCell>;
  multiple: boolean;
}
export type Flag = 'c' | 's' | 'g' | 'z';
export interface ProtectedCell {
  value: number | null;
  flag: Flag | null;
  percent: number | null;
}
export interface ProtectedTable {
  values: string[];
  groups: string[];
  cells: Record<string, Record<string, ProtectedCell>>;
  totals: Record<string, ProtectedCell>;
  hiddenGroups: string[];
}
const one = (n: number, k: number): ProtectedCell =>
  n === 0
    ? { value: 0, flag: null, percent: null }
    : n < k
      ? { value: null, flag: 'c', percent: null }
      : { value: n, flag: null, percent: null };
export function protectTable(table: RawTable, policy: DisclosurePolicy): ProtectedTable {
  const k = policy.threshold;
  const totals = Object.fromEntries(
    table.groups.map((g) => [g, one(table.totals[g]?.count ?? 0, k)]),
  );
  const cells = Object.fromEntries(
    table.values.map((v) => [
      v,
      Object.fromEntries(
        table.groups.map((g) => {
          const c = one(table.cells[v]?.[g]?.count ?? 0, k);
          const t = totals[g]?.value;
          return [
            g,
            { ...c, percent: c.value !== null && t ? Math.round((100 * c.value) / t) : null },
          ];
        }),
      ),
    ]),
  );
  return { values: table.values, groups: table.groups, cells, totals, hiddenGroups: [] };
}
