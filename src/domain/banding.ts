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
export interface BandProblem {
  message: string;
  code: string;
  vars?: Record<string, string | number>;
}

export function bandCoverageProblems(
  bands: readonly Band[],
  min: number,
  max: number,
): BandProblem[] {
  const problems: BandProblem[] = [];
  const sorted = [...bands].sort((a, b) => a.min - b.min || a.max - b.max);
  for (const band of sorted) {
    if (band.min > band.max)
      problems.push({
        message: `band "${band.key}" has min greater than max`,
        code: 'bandReversed',
        vars: { key: band.key },
      });
  }
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  if (!first || !last) return [{ message: 'at least one band is needed', code: 'noBands' }];
  if (first.min !== min)
    problems.push({
      message: `bands start at ${first.min} but the allowed range starts at ${min}`,
      code: 'bandsStart',
      vars: { start: first.min, min },
    });
  if (last.max !== max)
    problems.push({
      message: `bands end at ${last.max} but the allowed range ends at ${max}`,
      code: 'bandsEnd',
      vars: { end: last.max, max },
    });
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1] as Band;
    const band = sorted[i] as Band;
    const vars = { first: prev.key, second: band.key };
    if (band.min <= prev.max)
      problems.push({
        message: `bands "${prev.key}" and "${band.key}" overlap`,
        code: 'bandsOverlap',
        vars,
      });
    else if (band.min > prev.max + 1)
      problems.push({
        message: `gap between bands "${prev.key}" and "${band.key}"`,
        code: 'bandsGap',
        vars,
      });
  }
  return problems;
}
