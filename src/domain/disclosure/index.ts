/**
 * Statistical disclosure control: the only road from a count to any page, export or bundle
 * (DESIGN.md §4.3, docs/disclosure-control.md). Pure code, no I/O.
 */
export {
  MIN_THRESHOLD,
  DEFAULT_THRESHOLD,
  SMALL_GROUP_FACTOR,
  defaultPolicy,
  disclosurePolicySchema,
  mayPublish,
  thresholdOf,
  type DisclosurePolicy,
} from './policy.js';
export {
  KEY_MODULUS,
  MAX_NOISE,
  NOISE_BUCKETS,
  PERTURBATION_TABLE,
  addKey,
  cellKey,
  noise,
  perturb,
  recordKeyInt,
  type RawCell,
} from './cell-key.js';
export { protectCell, type Flag, type ProtectedCell } from './cell.js';
export type { RawTable } from './grid.js';
export { protectGroupSizes, protectTable, type ProtectedTable } from './table.js';
export { protectCount, publishedStep, showCount, type ProtectedCount } from './counts.js';
