export interface Band {
  key: string;
  min: number;
  max: number;
}

/** The band holding a value, if any. */
export function bandFor<B extends Band>(bands: readonly B[], value: number): B | undefined {
  return bands.find((b) => value >= b.min && value <= b.max);
}

/**
 * Problems with a set of bands over [min, max]: gaps, overlaps, or coverage that does not
 * match the allowed range exactly. Each message names the bands involved.
 */
export function bandCoverageProblems(bands: readonly Band[], min: number, max: number): string[] {
  const problems: string[] = [];
  const sorted = [...bands].sort((a, b) => a.min - b.min || a.max - b.max);
  for (const band of sorted) {
    if (band.min > band.max) problems.push(`band "${band.key}" has min greater than max`);
  }
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) return ['at least one band is needed'];
  if (first.min !== min)
    problems.push(`bands start at ${first.min} but the allowed range starts at ${min}`);
  if (last.max !== max)
    problems.push(`bands end at ${last.max} but the allowed range ends at ${max}`);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as Band;
    const band = sorted[i] as Band;
    if (band.min <= prev.max) problems.push(`bands "${prev.key}" and "${band.key}" overlap`);
    else if (band.min > prev.max + 1)
      problems.push(`gap between bands "${prev.key}" and "${band.key}"`);
  }
  return problems;
}
