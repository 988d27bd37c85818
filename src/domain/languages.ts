/** Languages of the user interface: the 24 official EU languages, Norwegian Bokmål and Arabic. */
export const LANGUAGES = [
  { code: 'bg', name: 'български', dir: 'ltr' },
  { code: 'cs', name: 'čeština', dir: 'ltr' },
  { code: 'da', name: 'dansk', dir: 'ltr' },
  { code: 'de', name: 'Deutsch', dir: 'ltr' },
  { code: 'el', name: 'Ελληνικά', dir: 'ltr' },
  { code: 'en', name: 'English', dir: 'ltr' },
  { code: 'es', name: 'español', dir: 'ltr' },
  { code: 'et', name: 'eesti', dir: 'ltr' },
  { code: 'fi', name: 'suomi', dir: 'ltr' },
  { code: 'fr', name: 'français', dir: 'ltr' },
  { code: 'ga', name: 'Gaeilge', dir: 'ltr' },
  { code: 'hr', name: 'hrvatski', dir: 'ltr' },
  { code: 'hu', name: 'magyar', dir: 'ltr' },
  { code: 'it', name: 'italiano', dir: 'ltr' },
  { code: 'lt', name: 'lietuvių', dir: 'ltr' },
  { code: 'lv', name: 'latviešu', dir: 'ltr' },
  { code: 'mt', name: 'Malti', dir: 'ltr' },
  { code: 'nl', name: 'Nederlands', dir: 'ltr' },
  { code: 'pl', name: 'polski', dir: 'ltr' },
  { code: 'pt', name: 'português', dir: 'ltr' },
  { code: 'ro', name: 'română', dir: 'ltr' },
  { code: 'sk', name: 'slovenčina', dir: 'ltr' },
  { code: 'sl', name: 'slovenščina', dir: 'ltr' },
  { code: 'sv', name: 'svenska', dir: 'ltr' },
  { code: 'nb', name: 'norsk bokmål', dir: 'ltr' },
  { code: 'ar', name: 'العربية', dir: 'rtl' },
] as const;

export type LanguageCode = (typeof LANGUAGES)[number]['code'];
export type TextDirection = 'ltr' | 'rtl';

export const LANGUAGE_CODES = LANGUAGES.map((l) => l.code) as [LanguageCode, ...LanguageCode[]];

const byCode = new Map<string, (typeof LANGUAGES)[number]>(LANGUAGES.map((l) => [l.code, l]));

export function isLanguageCode(value: string): value is LanguageCode {
  return byCode.has(value);
}

export function directionOf(code: LanguageCode): TextDirection {
  return byCode.get(code)?.dir ?? 'ltr';
}

export function nativeName(code: LanguageCode): string {
  return byCode.get(code)?.name ?? code;
}
