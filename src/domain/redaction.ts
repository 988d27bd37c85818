/**
 * Removes what would identify or contact a person from free text before it is stored:
 * e-mail addresses, phone numbers and long digit runs (identity, insurance or account numbers).
 * Markers are language-neutral so that they read the same in every export.
 */
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
/**
 * Seven or more digits, possibly with a leading + and separators: phone numbers. Digits of any
 * script count (\p{Nd}), so numbers typed on Arabic or full-width keyboards are caught too.
 */
const PHONE = /(?<![\p{L}\p{N}])\+?\(?\p{Nd}(?:[\s().\-/]{0,2}\p{Nd}){6,}(?![\p{L}\p{N}])/gu;
/** Any remaining run of five or more digits (national ids, account numbers). */
const DIGITS = /\p{Nd}{5,}/gu;
// Control characters other than tab and line breaks carry no meaning in an answer.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

export const REDACTED = { email: '[email]', phone: '[phone]', number: '[number]' } as const;

const MARKER = /\[(?:email|phone|number)\]/g;

/**
 * The length of a redacted text as the citizen sees it: each marker counts as one character,
 * so redaction never pushes an accepted answer over its limit.
 */
export function redactedLength(text: string): number {
  return [...text.replace(MARKER, '#')].length;
}

export function redact(text: string): string {
  return text
    .replace(CONTROL, '')
    .replace(EMAIL, REDACTED.email)
    .replace(PHONE, REDACTED.phone)
    .replace(DIGITS, REDACTED.number);
}
