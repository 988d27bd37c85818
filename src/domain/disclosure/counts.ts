import { DEFAULT_THRESHOLD } from './policy.js';

/** A plain count (responses, access codes) protected for a page that has no record keys for it. */
export type ProtectedCount =
  { kind: 'exact-zero' } | { kind: 'below'; threshold: number } | { kind: 'count'; value: number };

/**
 * The last value a publisher moving in steps of k (see mayPublish) would have released:
 * the count rounded down to a multiple of k.
 */
export function publishedStep(count: number, threshold: number): number {
  return Math.floor(count / threshold) * threshold;
}

/**
 * A count as it may be shown: zero stays zero, 1..k-1 is "<k", and larger counts move only in
 * steps of k, so a coordinator who knows one person has just answered cannot see it happen.
 * Totals with record keys go through protectCell or protectTable instead.
 */
export function protectCount(count: number, threshold = DEFAULT_THRESHOLD): ProtectedCount {
  if (count <= 0) return { kind: 'exact-zero' };
  if (count < threshold) return { kind: 'below', threshold };
  return { kind: 'count', value: publishedStep(count, threshold) };
}

/** The text of a protected count, with numbers formatted for the reader's language. */
export function showCount(count: ProtectedCount, format: (n: number) => string): string {
  if (count.kind === 'exact-zero') return format(0);
  if (count.kind === 'below') return `<${format(count.threshold)}`;
  return format(count.value);
}
