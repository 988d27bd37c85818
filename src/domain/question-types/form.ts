import type { FormValues } from './types.js';

/** The single value of a field; repeated fields yield `invalid`. Blank counts as absent. */
export function single(form: FormValues, field: string): string | undefined | { invalid: true } {
  const raw = form[field];
  if (raw === undefined) return undefined;
  if (Array.isArray(raw)) return { invalid: true };
  const trimmed = raw.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** All values of a field, blanks removed. */
export function many(form: FormValues, field: string): string[] {
  const raw = form[field];
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  return list.map((v) => v.trim()).filter((v) => v !== '');
}

export function isInvalid(value: unknown): value is { invalid: true } {
  return typeof value === 'object' && value !== null && 'invalid' in value;
}

export function duplicates(keys: string[]): string[] {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const key of keys) {
    if (seen.has(key)) repeated.add(key);
    seen.add(key);
  }
  return [...repeated];
}
