/**
 * Statistical disclosure control: the only road from a count to any page or file (DESIGN.md
 * §4.3). This first part covers plain counts; the full module (cell-key perturbation,
 * complementary suppression, breakdowns) comes with the results pages.
 */
export const DEFAULT_THRESHOLD = 10;

export type ProtectedCount =
  { kind: 'exact-zero' } | { kind: 'below'; threshold: number } | { kind: 'count'; value: number };

/**
 * A count as it may be shown: zero stays zero, 1..k-1 is "<k", and larger counts move only in
 * steps of k, so a coordinator who knows one person has just answered cannot see it happen.
 */
export function protectCount(count: number, threshold = DEFAULT_THRESHOLD): ProtectedCount {
  if (count <= 0) return { kind: 'exact-zero' };
  if (count < threshold) return { kind: 'below', threshold };
  return { kind: 'count', value: Math.floor(count / threshold) * threshold };
}

/** The text of a protected count, with numbers formatted for the reader's language. */
export function showCount(count: ProtectedCount, format: (n: number) => string): string {
  if (count.kind === 'exact-zero') return format(0);
  if (count.kind === 'below') return `<${format(count.threshold)}`;
  return format(count.value);
}
