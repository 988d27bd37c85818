const MAX_KEY = 63;

/**
 * An XLSForm name as a Consulta key: lower case, anything but a-z, 0-9 and _ becomes _, and a
 * prefix when it does not start with a letter ("1" → "c_1").
 */
export function toKey(name: string, prefix: string): string {
  const key = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_');
  return (/^[a-z]/.test(key) ? key : `${prefix}${key}`).slice(0, MAX_KEY);
}

/** A form_id as a slug: lower case, anything but a-z, 0-9 and - becomes -. */
export function toSlug(formId: string): string {
  return formId
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, MAX_KEY);
}

/** Hands out unique keys in one namespace; a taken key gets a suffix (_2, _3...). */
export class KeyAllocator {
  private readonly taken = new Set<string>();

  take(wanted: string): { key: string; duplicate: boolean } {
    let key = wanted;
    for (let n = 2; this.taken.has(key); n += 1) {
      const suffix = `_${n}`;
      key = `${wanted.slice(0, MAX_KEY - suffix.length)}${suffix}`;
    }
    this.taken.add(key);
    return { key, duplicate: key !== wanted };
  }
}
