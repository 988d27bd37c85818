/**
 * Spreadsheets run a cell that starts with =, +, -, @, tab or carriage return as a formula. Texts
 * written by coordinators or citizens are made inert by a leading apostrophe (OWASP's advice),
 * which spreadsheets hide, and which `unprotectCell` removes again on import.
 */
/** Text that an apostrophe is put before: a formula, or apostrophes and then a formula. */
const NEEDS_APOSTROPHE = /^'*[=+\-@\t\r]/;
/** What `protectCell` wrote: one apostrophe more than the text had. */
const PROTECTED = /^'+[=+\-@\t\r]/;

export function protectCell(value: string): string {
  return NEEDS_APOSTROPHE.test(value) ? `'${value}` : value;
}

/** The text as it was before `protectCell`: any text round-trips, "'+1" included. */
export function unprotectCell(value: string): string {
  return PROTECTED.test(value) ? value.slice(1) : value;
}
