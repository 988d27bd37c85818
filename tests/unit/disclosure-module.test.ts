import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addKey,
  disclosurePolicySchema,
  KEY_MODULUS,
  MAX_NOISE,
  mayPublish,
  NOISE_BUCKETS,
  perturb,
  PERTURBATION_TABLE,
  protectGroupSizes,
  protectTable,
  recordKeyInt,
  type ProtectedCell,
  type ProtectedTable,
  type RawCell,
  type RawTable,
} from '../../src/domain/disclosure/index.js';
import {
  allowedTables,
  populations,
  rawTable,
  type Population,
  type Respondent,
} from '../helpers/populations.js';

const TOTAL = '\u0000total';
const REST = '\u0000rest';

/** The rows of a table with its totals row last, so that checks treat totals like any cell. */
function rows(t: RawTable): string[] {
  return [...t.values, TOTAL];
}

function rawAt(t: RawTable, row: string, group: string): RawCell {
  const cell = row === TOTAL ? t.totals[group] : t.cells[row]?.[group];
  return cell ?? { count: 0, keySum: 0 };
}

function shownAt(t: ProtectedTable, row: string, group: string): ProtectedCell {
  return row === TOTAL ? t.totals[group]! : t.cells[row]![group]!;
}

/** Noise read straight from the documented table, independently of the module's own lookup. */
function documentedNoise(cell: RawCell): number {
  if (cell.count === 0) return 0;
  const row = PERTURBATION_TABLE[Math.min(cell.count, PERTURBATION_TABLE.length - 1)]!;
  return row[Math.floor((cell.keySum / KEY_MODULUS) * NOISE_BUCKETS)]!;
}

const protect = (p: Population, t: RawTable) => protectTable(t, { threshold: p.k });

describe('perturbation by the cell key method', () => {
  const cells = fc.record({
    count: fc.integer({ min: 0, max: 100_000 }),
    keySum: fc.integer({ min: 0, max: KEY_MODULUS - 1 }),
  });

  it('keeps zeros at zero, moves other counts by at most 2, and never to zero', () => {
    fc.assert(
      fc.property(cells, (cell) => {
        const shown = perturb(cell);
        if (cell.count === 0) return shown === 0;
        return Math.abs(shown - cell.count) <= MAX_NOISE && shown >= 1;
      }),
    );
  });

  it('gives the same cell the same noise every time, as the documented table says', () => {
    fc.assert(
      fc.property(cells, (cell) => {
        expect(perturb(cell)).toBe(perturb({ ...cell }));
        expect(perturb(cell)).toBe(cell.count + documentedNoise(cell));
      }),
    );
  });

  it('is unbiased: every row of the table averages to zero and stays within ±2', () => {
    for (const row of PERTURBATION_TABLE) {
      expect(row).toHaveLength(NOISE_BUCKETS);
      expect(row.reduce((a, b) => a + b, 0)).toBe(0);
      expect(row.every((n) => Math.abs(n) <= MAX_NOISE)).toBe(true);
    }
  });

  it('turns stored record keys into 32-bit integers and adds them modulo 2^32', () => {
    expect(recordKeyInt(0)).toBe(0);
    expect(recordKeyInt(0.5)).toBe(2 ** 31);
    expect(recordKeyInt(1 - 2 ** -53)).toBe(KEY_MODULUS - 1);
    expect(() => recordKeyInt(1)).toThrow(RangeError);
    expect(addKey(KEY_MODULUS - 1, 2)).toBe(1);
  });
});

describe('the policy', () => {
  it('takes k of at least 5, and refuses to protect with less', () => {
    expect(disclosurePolicySchema.safeParse({ threshold: 5 }).success).toBe(true);
    expect(disclosurePolicySchema.safeParse({ threshold: 4 }).success).toBe(false);
    expect(disclosurePolicySchema.safeParse({ threshold: 7.5 }).success).toBe(false);
    const table: RawTable = { values: [], groups: [''], cells: {}, totals: {}, multiple: false };
    expect(() => protectTable(table, { threshold: 4 })).toThrow(RangeError);
  });

  it('publishes again only after at least k new responses (or withdrawals)', () => {
    expect(mayPublish(0, 9, { threshold: 10 })).toBe(false);
    expect(mayPublish(0, 10, { threshold: 10 })).toBe(true);
    expect(mayPublish(30, 39, { threshold: 10 })).toBe(false);
    expect(mayPublish(30, 45, { threshold: 10 })).toBe(true);
    expect(mayPublish(30, 20, { threshold: 10 })).toBe(true);
  });
});

/** A population answering one single-choice question, by region, in a readable form. */
function regionTable(counts: Record<string, Record<string, number>>, regions: string[]): RawTable {
  const p: Population = {
    k: 10,
    options: 3,
    multiple: false,
    dimensions: [regions.length],
    respondents: [],
  };
  let seed = 12345;
  const nextKey = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const respondents: Respondent[] = [];
  regions.forEach((region, g) => {
    ['yes', 'no', 'unsure'].forEach((answer, choice) => {
      for (let i = 0; i < (counts[region]?.[answer] ?? 0); i++) {
        respondents.push({ recordKey: nextKey(), choices: [choice], groups: [g] });
      }
    });
  });
  return rawTable(p, respondents, 0);
}

describe('what a coordinator sees in a breakdown', () => {
  const groups = ['', 'd0g0', 'd0g1', 'd0g2'];

  it('hides a region of 3 people, and the next smallest region with it, so the 3 cannot be found by subtraction', () => {
    const t = protectTable(
      regionTable(
        {
          north: { yes: 30, no: 20, unsure: 12 },
          south: { yes: 15, no: 12, unsure: 14 },
          east: { yes: 2, no: 1 },
        },
        ['north', 'south', 'east'],
      ),
      { threshold: 10 },
    );
    expect(t.groups).toEqual(groups);
    expect(t.hiddenGroups).toEqual(['d0g1', 'd0g2']);
    expect(t.totals['d0g2']).toMatchObject({ value: null, flag: 'c' });
    expect(t.totals['d0g1']).toMatchObject({ value: null, flag: 's' });
    for (const value of t.values) expect(t.cells[value]!['d0g1']!.value).toBeNull();
    expect(t.totals['']!.value).toBeGreaterThanOrEqual(62);
  });

  it('shows "<k" for a small answer and hides the next smallest answer of the same region', () => {
    const t = protectTable(regionTable({ north: { yes: 30, no: 20, unsure: 4 } }, ['north']), {
      threshold: 10,
    });
    expect(t.cells['o2']!['d0g0']).toMatchObject({ value: null, flag: 'c' });
    expect(t.cells['o1']!['d0g0']).toMatchObject({ value: null, flag: 's' });
    expect(t.cells['o0']!['d0g0']!.value).not.toBeNull();
  });

  it('hides the answers of a small region where everyone gave the same answer, but shows its size', () => {
    const t = protectTable(
      regionTable(
        {
          north: { yes: 30, no: 20, unsure: 12 },
          south: { yes: 25, no: 30, unsure: 14 },
          east: { no: 12 },
        },
        ['north', 'south', 'east'],
      ),
      { threshold: 10 },
    );
    expect(t.totals['d0g2']!.value).not.toBeNull();
    for (const value of t.values)
      expect(t.cells[value]!['d0g2']).toMatchObject({ value: null, flag: 'g' });
  });

  it('when everyone is one small unanimous group, hides every group too, each with its reason', () => {
    const t = protectTable(
      regionTable({ north: { yes: 4 }, south: { yes: 8 } }, ['north', 'south']),
      { threshold: 10 },
    );
    expect(t.cells['o0']!['']).toMatchObject({ value: null, flag: 'g' });
    for (const group of t.groups) {
      const total = t.totals[group]!;
      if (total.value === null) expect(['c', 's', 'g']).toContain(total.flag);
      for (const value of t.values) {
        const cell = t.cells[value]![group]!;
        if (cell.value === null) expect(['c', 's', 'g']).toContain(cell.flag);
        else expect(cell.value).toBe(0);
      }
    }
  });

  it('shows group sizes from k up, hiding a small group and the next smallest with it', () => {
    const cell = (count: number) => ({ count, keySum: (count * 2654435761) % 2 ** 32 });
    const t = protectGroupSizes({ '': cell(12), a: cell(4), b: cell(8) }, ['', 'a', 'b'], {
      threshold: 10,
    });
    expect(t.values).toEqual(['all']);
    expect(t.cells['all']).toEqual(t.totals);
    expect(t.totals['']!.value).toBeGreaterThanOrEqual(10);
    expect(t.totals['a']).toMatchObject({ value: null, flag: 'c' });
    expect(t.totals['b']).toMatchObject({ value: null });
    expect(['c', 's']).toContain(t.totals['b']!.flag);
  });

  it('shows a true zero as 0, and percentages computed from the shown numbers', () => {
    const t = protectTable(regionTable({ north: { yes: 40, no: 20 } }, ['north']), {
      threshold: 10,
    });
    const unsure = t.cells['o2']!['d0g0']!;
    expect(unsure).toEqual({ value: 0, flag: 'z', percent: 0 });
    const yes = t.cells['o0']!['d0g0']!;
    expect(yes.percent).toBe(Math.round((100 * yes.value!) / t.totals['d0g0']!.value!));
  });
});

describe('protected tables of generated small populations', () => {
  it('never show a count between 1 and k-1, and every shown number is its count moved by the documented noise', () => {
    fc.assert(
      fc.property(populations(), (p) => {
        for (const raw of allowedTables(p, p.respondents)) {
          const shown = protect(p, raw);
          for (const group of raw.groups) {
            const total = shown.totals[group];
            if (total?.value === null) expect(['c', 's', 'g']).toContain(total.flag);
          }
          for (const row of rows(raw)) {
            for (const group of raw.groups) {
              const cell = shownAt(shown, row, group);
              const truth = rawAt(raw, row, group);
              if (cell.value === null) {
                expect(cell.percent).toBeNull();
                // A hidden number always says why: below k, to protect another, same answer for all.
                expect(['c', 's', 'g']).toContain(cell.flag);
                continue;
              }
              expect(cell.value === 0 || cell.value >= p.k).toBe(true);
              expect(cell.value).toBe(truth.count + documentedNoise(truth));
              if (cell.value === 0) expect(cell.flag).toBe('z');
            }
          }
        }
      }),
    );
  });

  it('are the same for the same answers, and the everyone column is the same in every breakdown', () => {
    fc.assert(
      fc.property(populations(), (p) => {
        const [overall, ...breakdowns] = allowedTables(p, p.respondents).map((t) => ({
          raw: t,
          shown: protect(p, t),
        }));
        for (const { raw, shown } of [overall!, ...breakdowns]) {
          expect(protect(p, structuredClone(raw))).toEqual(shown);
        }
        for (const { shown } of breakdowns) {
          for (const row of rows(overall!.raw)) {
            expect(shownAt(shown, row, '')).toEqual(shownAt(overall!.shown, row, ''));
          }
        }
      }),
    );
  });

  it('hide nothing that can be computed back from the totals and the cells that are shown', () => {
    fc.assert(
      fc.property(populations(), (p) => {
        for (const raw of allowedTables(p, p.respondents)) {
          expect(recoverableSmallCells(raw, protect(p, raw), p.k)).toEqual([]);
        }
      }),
      { numRuns: 300 },
    );
  });
});

/**
 * An attacker who knows the exact value of every shown number (as if there were no noise) writes
 * down every equation that holds in the table: in each column the answers add up to the total
 * (single choice), and in each row everyone equals the groups plus those in no group (the "rest",
 * never shown, unknown unless nobody is in it). A hidden number is recomputable exactly when its
 * unit vector lies in the row space of those equations over the unknowns. This returns the
 * recomputable hidden numbers that hold 1..k-1 respondents or a 100 % answer of a small group.
 * (It implies the simpler rule that no column or row has exactly one hidden number.)
 */
function recoverableSmallCells(raw: RawTable, shown: ProtectedTable, k: number): string[] {
  const breakdown = raw.groups.filter((g) => g !== '');
  const columns = breakdown.length > 0 ? [...raw.groups, REST] : raw.groups;
  const count = (row: string, group: string): number =>
    group === REST
      ? rawAt(raw, row, '').count - breakdown.reduce((s, g) => s + rawAt(raw, row, g).count, 0)
      : rawAt(raw, row, group).count;
  const restSize = breakdown.length > 0 ? count(TOTAL, REST) : 0;
  const unknowns: { row: string; group: string }[] = [];
  for (const row of rows(raw)) {
    for (const group of columns) {
      const hidden = group === REST ? restSize > 0 : shownAt(shown, row, group).value === null;
      if (hidden) unknowns.push({ row, group });
    }
  }
  const index = (row: string, group: string) =>
    unknowns.findIndex((u) => u.row === row && u.group === group);
  const equation = (terms: [string, string, number][]) => {
    const coefficients = new Array<number>(unknowns.length).fill(0);
    for (const [row, group, sign] of terms) {
      const i = index(row, group);
      if (i >= 0) coefficients[i]! += sign;
    }
    return coefficients;
  };
  const equations: number[][] = [];
  if (!raw.multiple) {
    for (const group of columns) {
      equations.push(
        equation([
          ...raw.values.map((v): [string, string, number] => [v, group, 1]),
          [TOTAL, group, -1],
        ]),
      );
    }
  }
  if (breakdown.length > 0) {
    for (const row of rows(raw)) {
      equations.push(
        equation([
          [row, '', 1],
          ...[...breakdown, REST].map((g): [string, string, number] => [row, g, -1]),
        ]),
      );
    }
  }
  const base = rank(equations);
  return unknowns
    .filter(({ row, group }, i) => {
      const n = count(row, group);
      const flag = group === REST ? null : shownAt(shown, row, group).flag;
      const sensitive = n > 0 && (n < k || flag === 'g');
      const unit = unknowns.map((_, j) => (j === i ? 1 : 0));
      return sensitive && rank([...equations, unit]) === base;
    })
    .map(({ row, group }) => `${row === TOTAL ? 'total' : row}/${group === REST ? 'rest' : group}`);
}

/** Rank by Gaussian elimination; the coefficients are small integers, so a tolerance is safe. */
function rank(matrix: number[][]): number {
  const m = matrix.map((r) => [...r]);
  const width = m[0]?.length ?? 0;
  let r = 0;
  for (let c = 0; c < width && r < m.length; c++) {
    let pivot = r;
    for (let i = r + 1; i < m.length; i++)
      if (Math.abs(m[i]![c]!) > Math.abs(m[pivot]![c]!)) pivot = i;
    if (Math.abs(m[pivot]![c]!) < 1e-9) continue;
    [m[r], m[pivot]] = [m[pivot]!, m[r]!];
    for (let i = 0; i < m.length; i++) {
      if (i === r) continue;
      const f = m[i]![c]! / m[r]![c]!;
      if (f !== 0) for (let j = c; j < width; j++) m[i]![j]! -= f * m[r]![j]!;
    }
    r++;
  }
  return r;
}

/**
 * The counts a shown number y can stand for, to someone who knows the published perturbation
 * table but not the record keys: a true zero is shown as 0, and a shown count c ≥ k is c plus one
 * of the noises of its row of the table.
 */
function possibleCounts(y: number, k: number): number[] {
  if (y === 0) return [0];
  const counts: number[] = [];
  for (let c = Math.max(k, y - MAX_NOISE); c <= y + MAX_NOISE; c++) {
    const row = PERTURBATION_TABLE[Math.min(c, PERTURBATION_TABLE.length - 1)]!;
    if (row.includes(y - c)) counts.push(c);
  }
  return counts;
}

/** The exact value of a signed sum of shown numbers, when each can stand for one count only. */
function exactSum(terms: [number, number][], k: number): number | null {
  let sum = 0;
  for (const [y, sign] of terms) {
    const possible = possibleCounts(y, k);
    if (possible.length !== 1) return null;
    sum += sign * possible[0]!;
  }
  return sum;
}

interface Snapshot {
  /** How many responses had arrived when it was published. */
  at: number;
  tables: { raw: RawTable; shown: ProtectedTable }[];
}

/**
 * What was published while the population answered one by one, the last respondent (P) last:
 * a new snapshot of every allowed table whenever mayPublish allows it.
 */
function publications(p: Population): Snapshot[] {
  const snapshots: Snapshot[] = [];
  let published = 0;
  for (let n = 1; n <= p.respondents.length; n++) {
    if (!mayPublish(published, n, { threshold: p.k })) continue;
    published = n;
    const tables = allowedTables(p, p.respondents.slice(0, n)).map((raw) => ({
      raw,
      shown: protect(p, raw),
    }));
    snapshots.push({ at: n, tables });
  }
  return snapshots;
}

/**
 * The attacker of the issue: a coordinator who watched P answer last. They hold every table
 * ever published (no breakdown and a breakdown by each dimension, before and after P) and the
 * perturbation table, and subtract.
 *
 * 1. For every pair of published tables and every number shown in both (same answer, same
 *    group), and within each breakdown for everyone minus the shown groups of a row, they compute
 *    the difference. They learn an exact count when every number in it can stand for one true
 *    count only (possibleCounts); the attack succeeds if that exact count lies in 1..k-1 — a small
 *    group (P among a few others, or the few in a hidden group) whose answers are then known.
 * 2. They compare what was published just before P answered with what was published just after.
 *    The attack succeeds if anything changed although fewer than k responses separate the two,
 *    so that the change could be read as P's answer.
 *
 * With perturbation off (every number exact), (1) succeeds on differences of snapshots; with the
 * publication steps off, (2) succeeds; with suppression off, the tests above fail.
 */
function attack(p: Population): string[] {
  const found: string[] = [];
  const snapshots = publications(p);
  const tables = snapshots.flatMap((s) => s.tables.map((t) => ({ ...t, at: s.at })));
  for (const a of tables) {
    for (const b of tables) {
      if (a === b) continue;
      for (const row of rows(a.raw)) {
        for (const group of a.raw.groups.filter((g) => b.raw.groups.includes(g))) {
          const ya = shownAt(a.shown, row, group).value;
          const yb = shownAt(b.shown, row, group).value;
          if (ya === null || yb === null) continue;
          const d = exactSum(
            [
              [yb, 1],
              [ya, -1],
            ],
            p.k,
          );
          if (d !== null && d > 0 && d < p.k) found.push(`${row}/${group}: ${a.at}→${b.at} = ${d}`);
        }
      }
    }
    if (a.raw.groups.length === 1) continue;
    for (const row of rows(a.raw)) {
      const everyone = shownAt(a.shown, row, '').value;
      const groups = a.raw.groups.slice(1).map((g) => shownAt(a.shown, row, g).value);
      if (everyone === null || groups.every((y) => y === null)) continue;
      const terms: [number, number][] = [[everyone, 1]];
      for (const y of groups) if (y !== null) terms.push([y, -1]);
      const d = exactSum(terms, p.k);
      if (d !== null && d > 0 && d < p.k) found.push(`${row}: everyone minus groups = ${d}`);
    }
  }
  const n = p.respondents.length;
  const before = snapshots.filter((s) => s.at <= n - 1).at(-1);
  const after = snapshots.at(-1);
  const gap = (after?.at ?? 0) - (before?.at ?? 0);
  const seen = (s: Snapshot | undefined) => JSON.stringify(s?.tables.map((t) => t.shown) ?? null);
  if (after !== before && seen(after) !== seen(before) && gap < p.k) {
    found.push(`P's arrival changed the published tables after ${gap} response(s)`);
  }
  return found;
}

describe('an attacker who subtracts published tables', () => {
  it('never learns an exact count below k, nor sees one new answer on its own', () => {
    fc.assert(
      fc.property(populations(45), (p) => {
        expect(attack(p)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
