import { isLanguageCode, type LanguageCode } from '../languages.js';

/** One row of a sheet: its number in the spreadsheet, and its non-empty cells by column header. */
export interface SheetRow {
  row: number;
  cells: Record<string, string>;
}

/** The three sheets of an XLSForm; `choices` and `settings` may be empty. */
export interface XlsFormSheets {
  survey: SheetRow[];
  choices: SheetRow[];
  settings: SheetRow[];
}

export type SheetName = keyof XlsFormSheets;

/** Something the import did other than a plain copy: a message key, translated by the view. */
export interface ReportItem {
  sheet: SheetName;
  row: number;
  messageKey: string;
  vars: Record<string, string | number>;
}

/** A column header split into its field and language: "label::Polski (pl)" → label, "Polski (pl)". */
export interface Column {
  header: string;
  field: string;
  language: string | null;
}

export function parseColumn(header: string): Column {
  const [field = '', ...rest] = header.split('::');
  return {
    header,
    field: field.trim().toLowerCase().replace(/\s+/g, '_'),
    language: rest.length > 0 ? rest.join('::').trim() : null,
  };
}

/** "English (en)" or "en" → "en" when it is one of Consulta's languages; otherwise undefined. */
export function languageCode(spec: string): LanguageCode | undefined {
  const inBrackets = /\(\s*([A-Za-z-]+)\s*\)\s*$/.exec(spec);
  const code = (inBrackets ? inBrackets[1] : spec.trim())?.toLowerCase() ?? '';
  return isLanguageCode(code) ? code : undefined;
}

/** A cell by field name, whatever the header's case or spacing ("List name" = "list_name"). */
export function cell(row: SheetRow, field: string): string {
  for (const [header, value] of Object.entries(row.cells)) {
    const column = parseColumn(header);
    if (column.field === field && column.language === null) return value.trim();
  }
  return '';
}
