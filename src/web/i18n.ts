import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n } from 'i18next';
import { isLanguageCode, LANGUAGE_CODES, type LanguageCode } from '../domain/languages.js';

export type Vars = Record<string, string | number>;
export type Translate = (key: string, vars?: Vars) => string;

export interface Translations {
  /** A translator for one language; plain look-ups are cached, since i18next costs µs per call. */
  forLanguage(lang: LanguageCode): Translate;
  has(lang: LanguageCode, key: string): boolean;
}

export function loadLocales(dir: string): Record<string, { common: Record<string, unknown> }> {
  const resources: Record<string, { common: Record<string, unknown> }> = {};
  for (const lang of readdirSync(dir)) {
    if (!isLanguageCode(lang)) continue;
    resources[lang] = { common: JSON.parse(readFileSync(join(dir, lang, 'common.json'), 'utf8')) };
  }
  return resources;
}

export function createTranslations(localesDir: string): Translations {
  const instance: i18n = i18next.createInstance();
  void instance.init({
    resources: loadLocales(localesDir),
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: LANGUAGE_CODES,
    defaultNS: 'common',
    ns: ['common'],
    initAsync: false,
    returnNull: false,
    // EJS escapes on output; escaping here too would double-escape.
    interpolation: { escapeValue: false },
  });
  const translators = new Map<LanguageCode, Translate>();
  return {
    forLanguage(lang) {
      const existing = translators.get(lang);
      if (existing) return existing;
      const fixed = instance.getFixedT(lang);
      const cache = new Map<string, string>();
      const translate: Translate = (key, vars) => {
        if (vars) return fixed(key, vars) as string;
        let text = cache.get(key);
        if (text === undefined) {
          text = fixed(key) as string;
          cache.set(key, text);
        }
        return text;
      };
      translators.set(lang, translate);
      return translate;
    },
    has: (lang, key) => instance.exists(key, { lng: lang, fallbackLng: false }),
  };
}

/** Picks a UI language from Accept-Language ("de-AT;q=0.8, en;q=0.5"), or undefined. */
export function fromAcceptLanguage(header: string | undefined): LanguageCode | undefined {
  if (!header) return undefined;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { tag: tag.trim().toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.tag !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const primary = tag.split('-')[0] ?? '';
    const candidate = primary === 'no' || primary === 'nn' ? 'nb' : primary;
    if (isLanguageCode(candidate)) return candidate;
  }
  return undefined;
}
