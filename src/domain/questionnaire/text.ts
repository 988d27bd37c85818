import type { LanguageCode } from '../languages.js';
import type { LocalizedText } from './common.js';

export interface ResolvedText {
  text: string;
  /** The language the text is actually in (differs from the wanted one on fallback). */
  lang: LanguageCode;
}

/** Picks a text in the wanted language, else the fallback, else any language present. */
export function resolveText(
  value: LocalizedText | undefined,
  wanted: LanguageCode,
  fallback: LanguageCode,
): ResolvedText {
  if (!value) return { text: '', lang: wanted };
  const direct = value[wanted];
  if (direct !== undefined) return { text: direct, lang: wanted };
  const second = value[fallback];
  if (second !== undefined) return { text: second, lang: fallback };
  const [lang, text] = Object.entries(value)[0] as [LanguageCode, string];
  return { text, lang };
}

export function textIn(value: LocalizedText | undefined, lang: LanguageCode): string {
  return resolveText(value, lang, lang).text;
}
