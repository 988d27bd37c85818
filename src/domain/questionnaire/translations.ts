import type { LanguageCode } from '../languages.js';
import type { LocalizedText } from './common.js';
import type { Questionnaire } from './schema.js';

/** Properties whose value is a text per language. */
export const TEXT_FIELDS = new Set([
  'title',
  'purpose',
  'organiser',
  'contact',
  'intro',
  'text',
  'help',
  'label',
  'unit',
]);

export interface TextLocation {
  /** JSON path of the text, e.g. "$.sections[0].questions[1].text". */
  path: string;
  /** The same place named by keys, which stays put when things are reordered. */
  id: string;
  text: LocalizedText;
}

export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${String(part)}`),
    '$',
  );
}

function keyOf(node: unknown): string | undefined {
  const key = (node as { key?: unknown } | null)?.key;
  return typeof key === 'string' ? key : undefined;
}

/** Every translatable text of a definition, in document order. */
export function textLocations(
  node: unknown,
  path: (string | number)[] = [],
  id = '$',
): TextLocation[] {
  if (Array.isArray(node))
    return node.flatMap((child, i) => {
      const key = keyOf(child);
      return textLocations(child, [...path, i], key ? `${id}[key=${key}]` : `${id}[${i}]`);
    });
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([name, value]) =>
    TEXT_FIELDS.has(name) && typeof value === 'object' && value !== null && !Array.isArray(value)
      ? [{ path: jsonPath([...path, name]), id: `${id}.${name}`, text: value as LocalizedText }]
      : textLocations(value, [...path, name], `${id}.${name}`),
  );
}

export interface LanguageCompleteness {
  lang: LanguageCode;
  total: number;
  translated: number;
  /** Paths of the texts that have no translation in this language. */
  missing: string[];
  /** Paths of the texts whose source changed since they were translated. */
  stale: string[];
}

/** Texts per language whose translation predates a change of their source text. */
export type StaleTexts = Partial<Record<LanguageCode, string[]>>;

/**
 * How complete each declared language is: a language with missing or stale texts cannot be
 * published.
 */
export function translationReport(
  doc: Questionnaire,
  stale: StaleTexts = {},
): LanguageCompleteness[] {
  const texts = textLocations(doc);
  return doc.languages.map((lang) => {
    const missing = texts.filter((t) => t.text[lang] === undefined).map((t) => t.path);
    const outdated = lang === doc.defaultLanguage ? [] : (stale[lang] ?? []);
    return {
      lang,
      total: texts.length,
      translated: texts.length - missing.length,
      missing,
      stale: outdated,
    };
  });
}

/**
 * Which translations are stale after an edit: those whose source text (in the default language)
 * changed while the translation stayed as it was, plus those already stale and still untouched.
 * Texts are matched by the keys on their way (a section, question, option...), so moving a
 * question or an option carries its translations and their state along.
 */
export function staleAfterEdit(
  previous: Questionnaire | undefined,
  previousStale: StaleTexts,
  next: Questionnaire,
): StaleTexts {
  if (!previous) return {};
  const locations = textLocations(previous);
  const before = new Map(locations.map((t) => [t.id, t.text]));
  const idOfPath = new Map(locations.map((t) => [t.path, t.id]));
  const wasStale = (lang: LanguageCode, id: string) =>
    (previousStale[lang] ?? []).some((path) => idOfPath.get(path) === id);
  const source = next.defaultLanguage;
  const result: StaleTexts = {};
  for (const { path, id, text } of textLocations(next)) {
    const old = before.get(id);
    if (!old) continue;
    const sourceChanged = old[source] !== text[source];
    for (const lang of next.languages) {
      if (lang === source || text[lang] === undefined || text[lang] !== old[lang]) continue;
      if (sourceChanged || wasStale(lang, id)) (result[lang] ??= []).push(path);
    }
  }
  return result;
}

export interface TranslationEntry {
  path: string;
  text: string;
}

export interface TranslationImport {
  questionnaire: Questionnaire;
  changed: string[];
  unchanged: number;
  /** Paths in the file that name no text of the questionnaire. */
  unknown: string[];
}

/**
 * Applies a translator's texts for one language to a copy of the definition. Empty texts are
 * left out (a translator who skipped a text does not erase it); unknown paths are reported.
 */
export function applyTranslations(
  doc: Questionnaire,
  lang: LanguageCode,
  entries: TranslationEntry[],
): TranslationImport {
  const copy = structuredClone(doc);
  const byPath = new Map(textLocations(copy).map((location) => [location.path, location.text]));
  const changed: string[] = [];
  const unknown: string[] = [];
  let unchanged = 0;
  for (const { path, text } of entries) {
    const target = byPath.get(path);
    const value = text.trim();
    if (!target) unknown.push(path);
    else if (value === '') continue;
    else if (target[lang] === value) unchanged++;
    else {
      target[lang] = value;
      changed.push(path);
    }
  }
  return { questionnaire: copy, changed, unchanged, unknown };
}
