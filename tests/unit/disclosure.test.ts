import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { protectCount, showCount } from '../../src/domain/disclosure.js';

describe('counts shown to coordinators', () => {
  const show = (n: number) => showCount(protectCount(n), String);

  it('zero stays zero, 1 to 9 show as "<10", larger counts in steps of 10', () => {
    expect([0, 1, 9, 10, 19, 20, 1234].map(show)).toEqual([
      '0',
      '<10',
      '<10',
      '10',
      '10',
      '20',
      '1230',
    ]);
  });

  it('never shows a count between 1 and k-1, and one new response moves the number by 0 or k', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1_000_000 }),
        fc.integer({ min: 5, max: 50 }),
        (n, k) => {
          const now = protectCount(n, k);
          const next = protectCount(n + 1, k);
          if (now.kind === 'count') expect(now.value % k).toBe(0);
          if (now.kind === 'count' && next.kind === 'count')
            expect([0, k]).toContain(next.value - now.value);
          return now.kind !== 'count' || now.value >= k;
        },
      ),
    );
  });
});
