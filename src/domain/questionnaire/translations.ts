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
  text: LocalizedText;
}

export function jsonPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, part) => (typeof part === 'number' ? `${acc}[${part}]` : `${acc}.${String(part)}`),
    '$',
  );
}

/** Every translatable text of a definition, in document order. */
export function textLocations(node: unknown, path: (string | number)[] = []): TextLocation[] {
  if (Array.isArray(node)) return node.flatMap((child, i) => textLocations(child, [...path, i]));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([name, value]) =>
    TEXT_FIELDS.has(name) && typeof value === 'object' && value !== null && !Array.isArray(value)
      ? [{ path: jsonPath([...path, name]), text: value as LocalizedText }]
      : textLocations(value, [...path, name]),
  );
}

export interface LanguageCompleteness {
  lang: LanguageCode;
  total: number;
  translated: number;
  /** Paths of the texts that have no translation in this language. */
  missing: string[];
}

/** How complete each declared language is: a language with missing texts cannot be published. */
export function translationReport(doc: Questionnaire): LanguageCompleteness[] {
  const texts = textLocations(doc);
  return doc.languages.map((lang) => {
    const missing = texts.filter((t) => t.text[lang] === undefined).map((t) => t.path);
    return { lang, total: texts.length, translated: texts.length - missing.length, missing };
  });
}
