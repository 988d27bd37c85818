import { z } from 'zod';

/** k never goes below this: with fewer respondents in a cell, who they are becomes guessable. */
export const MIN_THRESHOLD = 5;
export const DEFAULT_THRESHOLD = 10;

/** A group is "small" for the group-disclosure rule while it has fewer than this many times k. */
export const SMALL_GROUP_FACTOR = 2;

/** The disclosure-control policy of one questionnaire. */
export interface DisclosurePolicy {
  /** k: the smallest count that may be shown, and the step in which published numbers move. */
  threshold: number;
}

export const disclosurePolicySchema = z.object({
  threshold: z.number().int().min(MIN_THRESHOLD),
});

export const defaultPolicy: DisclosurePolicy = { threshold: DEFAULT_THRESHOLD };

/** k of a policy, refusing a policy that would weaken protection (a programming error, not input). */
export function thresholdOf(policy: DisclosurePolicy): number {
  const parsed = disclosurePolicySchema.safeParse(policy);
  if (!parsed.success) {
    throw new RangeError(`disclosure threshold must be an integer of at least ${MIN_THRESHOLD}`);
  }
  return parsed.data.threshold;
}

/**
 * Whether results may be published again now that the response counter went from `published`
 * (its value at the last publication) to `current`: only after at least k changes, so that a
 * coordinator who knows one person has just answered (or withdrawn) never sees that person's
 * answers appear or vanish on their own. Pass a counter that grows with every submission and
 * every withdrawal, not the net total, or one withdrawal plus one answer would go unseen.
 */
export function mayPublish(published: number, current: number, policy: DisclosurePolicy): boolean {
  return Math.abs(current - published) >= thresholdOf(policy);
}
