import type { LanguageCode } from '../languages.js';
import type { LocalizedText } from '../questionnaire/common.js';
import {
  cell,
  languageCode,
  parseColumn,
  type ReportItem,
  type SheetName,
  type XlsFormSheets,
} from './sheets.js';

/** Columns whose texts citizens read; other per-language columns (media, messages) are ignored. */
const TEXT_FIELDS: Record<SheetName, string[]> = {
  survey: ['label', 'hint'],
  choices: ['label'],
  settings: ['form_title'],
};

export interface Texts {
  languages: LanguageCode[];
  defaultLanguage: LanguageCode;
  /** The texts of one field of a row ("label", "hint"), per language; empty when there are none. */
  of(row: { cells: Record<string, string> }, field: string): LocalizedText;
}

/**
 * Decides the languages of the form from its text columns. A column without a language belongs
 * to the default language: settings' default_language, else the first language found, else
 * English. A column in a language Consulta does not have is reported once and ignored.
 */
export function readTexts(sheets: XlsFormSheets, report: ReportItem[]): Texts {
  const found: LanguageCode[] = [];
  const seen = new Set<string>();
  let plain = false;
  for (const sheet of Object.keys(TEXT_FIELDS) as SheetName[]) {
    for (const row of sheets[sheet]) {
      for (const header of Object.keys(row.cells)) {
        const column = parseColumn(header);
        if (!TEXT_FIELDS[sheet].includes(column.field) || seen.has(`${sheet}:${header}`)) continue;
        seen.add(`${sheet}:${header}`);
        if (column.language === null) {
          plain = true;
          continue;
        }
        const code = languageCode(column.language);
        if (!code) {
          report.push({
            sheet,
            row: row.row,
            messageKey: 'unknownLanguage',
            vars: { column: header },
          });
        } else if (!found.includes(code)) found.push(code);
      }
    }
  }
  const declared = sheets.settings[0] ? cell(sheets.settings[0], 'default_language') : '';
  const declaredCode = declared ? languageCode(declared) : undefined;
  let defaultLanguage: LanguageCode = found[0] ?? 'en';
  if (declaredCode && (plain || found.includes(declaredCode))) defaultLanguage = declaredCode;
  else if (declared) {
    report.push({
      sheet: 'settings',
      row: sheets.settings[0]?.row ?? 1,
      messageKey: 'defaultLanguageUnknown',
      vars: { value: declared, used: defaultLanguage },
    });
  }
  const languages = found.includes(defaultLanguage) ? found : [defaultLanguage, ...found];
  return {
    languages: [defaultLanguage, ...languages.filter((l) => l !== defaultLanguage)],
    defaultLanguage,
    of(row, field) {
      const text: LocalizedText = {};
      for (const [header, value] of Object.entries(row.cells)) {
        const column = parseColumn(header);
        const trimmed = value.trim();
        if (column.field !== field || trimmed === '' || column.language === null) continue;
        const code = languageCode(column.language);
        if (code) text[code] = trimmed;
      }
      const fallback = cell({ row: 0, cells: row.cells }, field);
      if (fallback && text[defaultLanguage] === undefined) text[defaultLanguage] = fallback;
      return text;
    },
  };
}
