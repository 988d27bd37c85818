import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ANSWER_SEPARATOR,
  ResultTally,
  type CellChange,
  type TalliedResponse,
} from '../../src/domain/results-tally.js';

const KEYS = 2 ** 32;
const DIMENSIONS = new Set(['region', 'age']);

/** A row as the database joins it. */
const row = (question: string, item: string, value: string) =>
  [question, item, value].join(ANSWER_SEPARATOR);

/** A small population's answers: two dimensions, a multi-choice question and a matrix. */
const response = fc
  .record({
    k: fc.integer({ min: 0, max: KEYS - 1 }),
    language: fc.constantFrom('en', 'pl', 'ar'),
    isoWeek: fc.constantFrom('2026-W46', '2026-W47'),
    region: fc.option(fc.constantFrom('north', 'south'), { nil: undefined }),
    age: fc.option(fc.constantFrom('16-29', '30-49', '50+'), { nil: undefined }),
    ticked: fc.subarray(['x', 'y', 'z']),
    matrix: fc.array(fc.tuple(fc.constantFrom('r1', 'r2'), fc.constantFrom('1', '2', '3')), {
      maxLength: 2,
    }),
  })
  .map((r): TalliedResponse => ({
    k: r.k,
    language: r.language,
    isoWeek: r.isoWeek,
    answers: [
      ...(r.region ? [row('region', '', r.region)] : []),
      ...(r.age ? [row('age', '', r.age)] : []),
      ...r.ticked.map((v) => row('ticks', '', v)),
      // One answer per row of the matrix, as the web form stores it.
      ...[...new Map(r.matrix).entries()].map(([item, v]) => row('grid', item, v)),
    ],
  }));

/**
 * The cells as the SQL fold used to define them: every answer, "answered" once per question
 * and row, and "a response", each for everyone, the language and each dimension answer; the
 * week for everyone. Written plainly, to check the tally's bookkeeping against.
 */
function reference(responses: TalliedResponse[], signs: number[]): Map<string, [number, number]> {
  const cells = new Map<string, [number, number]>();
  const add = (key: string[], sign: number, k: number) => {
    const id = key.join('|');
    const [count, keySum] = cells.get(id) ?? [0, 0];
    cells.set(id, [count + sign, keySum + sign * k]);
  };
  responses.forEach((r, i) => {
    const sign = signs[i] as number;
    const rows = r.answers.map((a) => a.split(ANSWER_SEPARATOR) as [string, string, string]);
    const groups = [
      ['', ''],
      ['$language', r.language],
      ...rows.filter(([q, item]) => item === '' && DIMENSIONS.has(q)).map(([q, , v]) => [q, v]),
    ];
    const answered = [...new Set(rows.map(([q, item]) => `${q}|${item}`))].map((qi) => [
      ...qi.split('|'),
      '$answered',
    ]);
    for (const fact of [...rows, ...answered, ['$responses', '', '']])
      for (const group of groups) add([...fact, ...(group as string[])], sign, r.k);
    add(['$week', '', r.isoWeek, '', ''], sign, r.k);
  });
  return new Map(
    [...cells]
      .filter(([, [count, keySum]]) => count !== 0 || keySum !== 0)
      .map(([id, [count, keySum]]) => [id, [count, ((keySum % KEYS) + KEYS) % KEYS]]),
  );
}

const asMap = (changes: CellChange[]) =>
  new Map(
    changes.map((c) => [
      [c.questionKey, c.item, c.value, c.dimension, c.groupValue].join('|'),
      [c.count, c.keySum] as [number, number],
    ]),
  );

describe('tallying responses into maintained cells', () => {
  it('adds up exactly what a plain per-cell count gives, key sums modulo 2^32 included', () => {
    fc.assert(
      fc.property(fc.array(response, { maxLength: 40 }), (responses) => {
        const tally = new ResultTally(DIMENSIONS);
        for (const r of responses) tally.add(r, 1);
        expect(asMap(tally.changes())).toEqual(
          reference(
            responses,
            responses.map(() => 1),
          ),
        );
      }),
    );
  });

  it('a withdrawal takes away exactly what its response added', () => {
    fc.assert(
      fc.property(fc.array(response, { minLength: 1, maxLength: 20 }), (responses) => {
        const withdrawn = responses[0] as TalliedResponse;
        const tally = new ResultTally(DIMENSIONS);
        for (const r of responses) tally.add(r, 1);
        tally.add(withdrawn, -1);
        const signs = responses.map((_, i) => (i === 0 ? 0 : 1));
        expect(asMap(tally.changes())).toEqual(reference(responses, signs));
      }),
    );
  });

  it('refuses a row that does not split into question, item and value', () => {
    const tally = new ResultTally(DIMENSIONS);
    expect(() =>
      tally.add({ k: 1, language: 'en', isoWeek: '2026-W47', answers: ['region'] }, 1),
    ).toThrow(/not an answer row/);
  });
});
