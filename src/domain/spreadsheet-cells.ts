/**
 * Spreadsheets run a cell that starts with =, +, -, @, tab or carriage return as a formula. Texts
 * written by coordinators or citizens are made inert by a leading apostrophe (OWASP's advice),
 * which spreadsheets hide, and which `unprotectCell` removes again on import.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export function protectCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

export function unprotectCell(value: string): string {
  return value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
}
