import { perturb, type RawCell } from './cell-key.js';
import { thresholdOf, type DisclosurePolicy } from './policy.js';

export type Flag =
  | 'c' /* below k */
  | 's' /* suppressed to protect another cell */
  | 'g' /* group disclosure: one answer holds 100 % of a small group */
  | 'z'; /* structural zero, shown as 0 */

/** A number as it may be shown: value null = hidden; percent from protected counts. */
export interface ProtectedCell {
  value: number | null;
  flag: Flag | null;
  percent: number | null;
}

/**
 * One count on its own: a true zero stays 0 (flag z); a count of 1..k-1, or one whose perturbed
 * value falls below k, is hidden (flag c); any other count is shown perturbed, so a shown number
 * is never below k and never exact.
 */
export function protectCell(cell: RawCell, policy: DisclosurePolicy): ProtectedCell {
  const k = thresholdOf(policy);
  const perturbed = perturb(cell);
  if (cell.count === 0) return { value: 0, flag: 'z', percent: null };
  if (cell.count < k || perturbed < k) return { value: null, flag: 'c', percent: null };
  return { value: perturbed, flag: null, percent: null };
}
