import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LANGUAGE_CODES } from '../../src/domain/languages.js';
import { PATHS } from '../../src/paths.js';

type Tree = { [key: string]: string | Tree };

function flatten(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'string') out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const load = (lang: string) =>
  flatten(JSON.parse(readFileSync(join(PATHS.locales, lang, 'common.json'), 'utf8')) as Tree);
const variables = (text: string) =>
  [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const english = load('en');
const status = JSON.parse(readFileSync(join(PATHS.locales, 'status.json'), 'utf8')) as {
  languages: Record<string, { status: string }>;
};

describe('UI translations', () => {
  it('exist for all 24 official EU languages, Norwegian and Arabic, and no others', () => {
    const folders = readdirSync(PATHS.locales, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name);
    expect(folders.sort()).toEqual([...LANGUAGE_CODES].sort());
    expect(LANGUAGE_CODES).toHaveLength(26);
  });

  it.each(LANGUAGE_CODES.filter((l) => l !== 'en'))(
    '%s has the same keys and interpolation variables as English',
    (lang) => {
      const translated = load(lang);
      expect([...translated.keys()].sort()).toEqual([...english.keys()].sort());
      for (const [key, text] of english) {
        const other = translated.get(key) as string;
        expect(other.trim(), `${lang}: ${key} is empty`).not.toBe('');
        expect(variables(other), `${lang}: ${key}`).toEqual(variables(text));
      }
    },
  );

  it('the status file names every language, and marks all but the source as machine or reviewed', () => {
    expect(Object.keys(status.languages).sort()).toEqual([...LANGUAGE_CODES].sort());
    expect(status.languages.en?.status).toBe('source');
    for (const lang of LANGUAGE_CODES.filter((l) => l !== 'en')) {
      expect(['machine', 'reviewed']).toContain(status.languages[lang]?.status);
    }
  });
});
