/** Countries a coordinator can be responsible for: the EU member states, Norway, and EU-level. */
export const COUNTRIES = [
  'AT',
  'BE',
  'BG',
  'HR',
  'CY',
  'CZ',
  'DK',
  'EE',
  'FI',
  'FR',
  'DE',
  'GR',
  'HU',
  'IE',
  'IT',
  'LV',
  'LT',
  'LU',
  'MT',
  'NL',
  'PL',
  'PT',
  'RO',
  'SK',
  'SI',
  'ES',
  'SE',
  'NO',
  'EU',
] as const;

export type Country = (typeof COUNTRIES)[number];

export function isCountry(value: string): value is Country {
  return (COUNTRIES as readonly string[]).includes(value);
}

const names = new Map<string, Intl.DisplayNames>();

/** The country's name in a language, from Intl (no translation files needed). */
export function countryName(code: string, lang: string): string {
  let display = names.get(lang);
  if (!display) {
    display = new Intl.DisplayNames([lang], { type: 'region' });
    names.set(lang, display);
  }
  return code === 'EU' ? (display.of('EU') ?? 'EU') : (display.of(code) ?? code);
}
