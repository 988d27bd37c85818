import { describe, expect, it } from 'vitest';
import {
  protectTable,
  type ProtectedCell,
  type ProtectedTable,
} from '../../src/domain/disclosure/index.js';
import { typeOf } from '../../src/domain/question-types/registry.js';
import { netScoreSpec } from '../../src/domain/question-types/scale.js';
import type { TableStatisticSpec } from '../../src/domain/question-types/types.js';
import {
  byMeanRank,
  completionRate,
  meanRank,
  netScore,
  tableStatistic,
  type Statistic,
} from '../../src/domain/result-stats.js';
import { demoQuestionnaire, questionIn } from './demo.js';

const shown = (value: number): ProtectedCell => ({
  value,
  flag: value === 0 ? 'z' : null,
  percent: null,
});
const below: ProtectedCell = { value: null, flag: 'c', percent: null };
const suppressed: ProtectedCell = { value: null, flag: 's', percent: null };

/** A protected table as the disclosure module returns it, written by hand: value → group → cell. */
function table(cells: Record<string, Record<string, ProtectedCell>>): ProtectedTable {
  const values = Object.keys(cells);
  const groups = Object.keys(cells[values[0]!]!);
  const totals = Object.fromEntries(
    groups.map((g) => {
      const column = values.map((v) => cells[v]![g]!.value);
      const total = column.some((c) => c === null) ? null : column.reduce((a, b) => a! + b!, 0);
      return [g, total === null ? suppressed : shown(total)];
    }),
  );
  return { values, groups, cells, totals, hiddenGroups: [] };
}

/** One column (everyone) of a scale table: lowest point first, then "don't know". */
const everyone = (counts: Record<string, ProtectedCell>) =>
  table(Object.fromEntries(Object.entries(counts).map(([v, c]) => [v, { '': c }])));

const FIVE: Extract<TableStatisticSpec, { kind: 'net-score' }> = {
  kind: 'net-score',
  lower: ['strongly_disagree', 'disagree'],
  middle: ['neither'],
  upper: ['agree', 'strongly_agree'],
};

describe('net score of a Likert scale', () => {
  it('halves a scale from its lowest point: the middle of an odd scale is neutral, "don\'t know" is in no half', () => {
    const points = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ key: `p${i + 1}`, label: { en: `${i + 1}` } }));
    const dontKnow = { key: 'dont_know', label: { en: "Don't know" } };
    expect(netScoreSpec({ points: points(2) })).toEqual({
      kind: 'net-score',
      lower: ['p1'],
      middle: [],
      upper: ['p2'],
    });
    expect(netScoreSpec({ points: points(5), dontKnow })).toEqual({
      kind: 'net-score',
      lower: ['p1', 'p2'],
      middle: ['p3'],
      upper: ['p4', 'p5'],
    });
    expect(netScoreSpec({ points: points(4), dontKnow })).toEqual({
      kind: 'net-score',
      lower: ['p1', 'p2'],
      middle: [],
      upper: ['p3', 'p4'],
    });
  });

  it('is the upper half in percent minus the lower half, among answers on the scale: "don\'t know" is left out', () => {
    const answers = everyone({
      strongly_disagree: shown(10),
      disagree: shown(20),
      neither: shown(30),
      agree: shown(25),
      strongly_agree: shown(15),
      dont_know: shown(50),
    });
    // 40 above, 30 below, 100 on the scale: +10. Counting the 50 "don't know" would give +7.
    expect(netScore(answers, FIVE, '')).toEqual({ value: 10, unavailable: null });
  });

  it('is negative when the lower half wins, and rounds halves away from zero on both sides', () => {
    const three = { kind: 'net-score' as const, lower: ['no'], middle: ['maybe'], upper: ['yes'] };
    const leaning = (no: number, yes: number) =>
      everyone({ no: shown(no), maybe: shown(15), yes: shown(yes) });
    // (15 − 10) / 40 = 12.5 %.
    expect(netScore(leaning(10, 15), three, '').value).toBe(13);
    expect(netScore(leaning(15, 10), three, '').value).toBe(-13);
    expect(netScore(leaning(12, 12), three, '').value).toBe(0);
    expect(Object.is(netScore(leaning(12, 12), three, '').value, 0)).toBe(true);
    expect(
      netScore(everyone({ no: shown(0), maybe: shown(0), yes: shown(20) }), three, '').value,
    ).toBe(100);
  });

  it('is not available when a count it needs is hidden, but a hidden "don\'t know" does not matter', () => {
    const counts = {
      strongly_disagree: shown(10),
      disagree: shown(20),
      neither: shown(30),
      agree: shown(25),
      strongly_agree: shown(15),
      dont_know: shown(12),
    };
    expect(netScore(everyone({ ...counts, disagree: below }), FIVE, '')).toEqual({
      value: null,
      unavailable: 'hidden',
    });
    expect(netScore(everyone({ ...counts, neither: suppressed }), FIVE, '').unavailable).toBe(
      'hidden',
    );
    expect(netScore(everyone({ ...counts, dont_know: below }), FIVE, '').value).toBe(10);
  });

  it('is not available, for want of answers, when nobody chose a point of the scale', () => {
    const onlyDontKnow = everyone({
      strongly_disagree: shown(0),
      disagree: shown(0),
      neither: shown(0),
      agree: shown(0),
      strongly_agree: shown(0),
      dont_know: shown(14),
    });
    expect(netScore(onlyDontKnow, FIVE, '')).toEqual({ value: null, unavailable: 'none' });
  });

  it('comes from the protected numbers: perturbed counts give it, a small group gives none', () => {
    // Key sum 0 is the first bucket of the perturbation table: every count of 3 or more loses 2.
    const raw = (count: number) => ({ count, keySum: 0 });
    const column = (lower: number, middle: number, upper: number, group: number) => ({
      lower: { '': raw(lower), g: raw(group === 0 ? 0 : 3) },
      middle: { '': raw(middle), g: raw(0) },
      upper: { '': raw(upper), g: raw(group === 0 ? 0 : 4) },
    });
    const protectedTable = protectTable(
      {
        values: ['lower', 'middle', 'upper'],
        groups: ['', 'g'],
        multiple: false,
        cells: column(30, 30, 40, 7),
        totals: { '': raw(100), g: raw(7) },
      },
      { threshold: 10 },
    );
    const spec = {
      kind: 'net-score' as const,
      lower: ['lower'],
      middle: ['middle'],
      upper: ['upper'],
    };
    // Shown: 28, 28, 38 → 10 / 94 = 10.6 %, where the raw counts would give exactly 10.
    expect(protectedTable.cells.upper?.['']?.value).toBe(38);
    expect(netScore(protectedTable, spec, '').value).toBe(11);
    // A group of 7 is hidden entirely, so its net score is not available.
    expect(netScore(protectedTable, spec, 'g')).toEqual({ value: null, unavailable: 'hidden' });
  });
});

describe('mean rank of a ranked option', () => {
  it('is Σ position × count / Σ count over the protected counts, to one decimal', () => {
    const positions = everyone({ '1': shown(20), '2': shown(10), '3': shown(10) });
    // (20 + 20 + 30) / 40 = 1.75.
    expect(meanRank(positions, '')).toEqual({ value: 1.8, unavailable: null });
    expect(meanRank(everyone({ '1': shown(0), '2': shown(0), '3': shown(12) }), '').value).toBe(3);
  });

  it('is not available when one position is hidden, nor when nobody ranked', () => {
    expect(meanRank(everyone({ '1': shown(20), '2': below, '3': shown(10) }), '')).toEqual({
      value: null,
      unavailable: 'hidden',
    });
    expect(meanRank(everyone({ '1': shown(0), '2': shown(0) }), '')).toEqual({
      value: null,
      unavailable: 'none',
    });
  });

  it('orders options from the lowest mean, keeping the definition order for ties, those without a mean last', () => {
    const stats: Record<string, Statistic> = {
      a: { value: 2.5, unavailable: null },
      b: { value: null, unavailable: 'hidden' },
      c: { value: 1.4, unavailable: null },
      d: { value: 2.5, unavailable: null },
      e: { value: null, unavailable: 'none' },
    };
    expect(byMeanRank(['a', 'b', 'c', 'd', 'e'], (k) => stats[k]!)).toEqual([
      'c',
      'a',
      'd',
      'b',
      'e',
    ]);
  });
});

describe('completion rate', () => {
  it('is protected responses over protected responses plus abandoned starts, in whole percent', () => {
    expect(completionRate(shown(90), shown(10))).toEqual({ value: 90, unavailable: null });
    expect(completionRate(shown(200), shown(13)).value).toBe(94);
    expect(completionRate(shown(40), shown(0)).value).toBe(100);
    expect(completionRate(shown(0), shown(25)).value).toBe(0);
  });

  it('is not available when either count is hidden, or when nothing has ended yet', () => {
    expect(completionRate(shown(90), below).unavailable).toBe('hidden');
    expect(completionRate({ value: null, flag: 'g', percent: null }, shown(30)).unavailable).toBe(
      'hidden',
    );
    expect(completionRate(undefined, shown(30)).unavailable).toBe('hidden');
    expect(completionRate(shown(0), shown(0))).toEqual({ value: null, unavailable: 'none' });
  });
});

describe('the statistics each question type declares', () => {
  const demo = demoQuestionnaire();

  it('every table of a Likert scale or matrix has a net score, each ranked option a mean rank, other types none', () => {
    const specs = (key: string) => typeOf(questionIn(demo, key)).results(questionIn(demo, key));
    expect(specs('benefit').map((s) => s.statistic)).toEqual([
      {
        kind: 'net-score',
        lower: ['strongly_disagree', 'disagree'],
        middle: ['neither'],
        upper: ['agree', 'strongly_agree'],
      },
    ]);
    const trust = specs('trust_in');
    expect(trust.length).toBe(7);
    for (const spec of trust)
      expect(spec.statistic).toEqual({
        kind: 'net-score',
        lower: ['no_trust', 'little_trust'],
        middle: [],
        upper: ['fair_trust', 'complete_trust'],
      });
    expect(specs('measures_ranking').map((s) => s.statistic?.kind)).toEqual(
      Array(5).fill('mean-rank'),
    );
    for (const key of ['consent_by_purpose', 'consent_model', 'trust_measures', 'age'])
      for (const spec of specs(key)) expect(spec.statistic).toBeUndefined();
  });

  it('a table gets its statistic in every group, and a table without one gets none', () => {
    const [spec] = typeOf(questionIn(demo, 'benefit')).results(questionIn(demo, 'benefit'));
    const counts = (scale: number[], dontKnow: number) =>
      Object.fromEntries(
        [...scale, dontKnow].map((c, i) => [
          ['strongly_disagree', 'disagree', 'neither', 'agree', 'strongly_agree', 'dont_know'][i]!,
          c,
        ]),
      );
    const a = counts([0, 10, 10, 20, 0], 0);
    const b = counts([10, 10, 0, 0, 0], 11);
    const protectedTable = table(
      Object.fromEntries(
        Object.keys(a).map((v) => [
          v,
          { '': shown(a[v]! + b[v]!), a: shown(a[v]!), b: shown(b[v]!) },
        ]),
      ),
    );
    expect(tableStatistic(spec!, protectedTable)).toEqual({
      kind: 'net-score',
      groups: {
        // 30 below, 20 above, 60 on the scale.
        '': { value: -17, unavailable: null },
        a: { value: 25, unavailable: null },
        b: { value: -100, unavailable: null },
      },
    });
    const [single] = typeOf(questionIn(demo, 'consent_model')).results(
      questionIn(demo, 'consent_model'),
    );
    expect(tableStatistic(single!, protectedTable)).toBeNull();
  });
});
