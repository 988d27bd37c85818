/**
 * The cell key method (ABS TableBuilder; ONS and Eurostat for the 2021 census): every response
 * carries a random record key, a cell's key is the fractional part of the sum of its record keys,
 * and a fixed table maps (count, cell key) to a small noise. The same respondents always give the
 * same noise, so asking again, or in another table, never averages the noise away.
 */

/** Record keys are kept as 32-bit integers so that sums are exact; a cell key is keySum / 2^32. */
export const KEY_MODULUS = 2 ** 32;

/** The largest noise the table adds or takes away. */
export const MAX_NOISE = 2;

/** Cell keys fall into this many equal buckets, each a column of the perturbation table. */
export const NOISE_BUCKETS = 16;

/**
 * The perturbation table, by row min(count, 3) and cell-key bucket floor(cell key × 16).
 * Every row has mean noise 0 (unbiased) and never moves a count from or to 0. Rows 1 and 2 only
 * matter in principle: counts below k ≥ 5 are hidden whatever their noise. From 3 on, the noise
 * is -2, -1, 0, +1, +2 with probabilities 2, 3, 6, 3, 2 in 16 (variance 1.375).
 */
export const PERTURBATION_TABLE: readonly (readonly number[])[] = [
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  [-1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1],
  [-2, -2, -1, -1, -1, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2],
];

/** A raw cell: how many respondents, and the sum of their 32-bit record keys modulo 2^32. */
export interface RawCell {
  count: number;
  keySum: number;
}

/** The integer record key of a response stored as a double in [0,1): floor(x * 2^32). */
export function recordKeyInt(recordKey: number): number {
  if (!(recordKey >= 0 && recordKey < 1)) throw new RangeError('a record key lies in [0, 1)');
  return Math.floor(recordKey * KEY_MODULUS);
}

/** Adds a record key to a key sum, modulo 2^32 (both below 2^32, so the double sum is exact). */
export function addKey(keySum: number, key: number): number {
  return (keySum + key) % KEY_MODULUS;
}

/** The cell key in [0, 1): the fractional part of the sum of the record keys. */
export function cellKey(keySum: number): number {
  return keySum / KEY_MODULUS;
}

/** The noise the table gives a count with this key sum. */
export function noise(cell: RawCell): number {
  const row = PERTURBATION_TABLE[Math.min(cell.count, PERTURBATION_TABLE.length - 1)]!;
  return row[Math.floor(cellKey(cell.keySum) * NOISE_BUCKETS)]!;
}

/** Cell-key perturbation of one count: deterministic in (count, keySum); 0 stays 0; |noise| ≤ 2. */
export function perturb(cell: RawCell): number {
  assertRawCell(cell);
  return cell.count === 0 ? 0 : cell.count + noise(cell);
}

export function assertRawCell(cell: RawCell): void {
  const { count, keySum } = cell;
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`bad count ${count}`);
  if (!Number.isInteger(keySum) || keySum < 0 || keySum >= KEY_MODULUS) {
    throw new RangeError(`bad key sum ${keySum}`);
  }
}
