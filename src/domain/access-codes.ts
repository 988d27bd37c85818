import { createHmac, randomInt } from 'node:crypto';

/**
 * Access codes are printed in letters and typed by hand, so their alphabet leaves out the
 * characters people confuse: 0 and O, 1, I and L. 31 symbols, 16 of them: about 79 bits.
 */
export const ACCESS_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
const LENGTH = 16;
const SHAPE = new RegExp(`^[${ACCESS_CODE_ALPHABET}]{${LENGTH}}$`);

const grouped = (code: string) => code.match(/.{4}/g)!.join('-');

/** A random one-time access code, grouped for reading: "K7QM-4XTR-9PHW-2CNA". */
export function newAccessCode(): string {
  let code = '';
  for (let i = 0; i < LENGTH; i++)
    code += ACCESS_CODE_ALPHABET[randomInt(ACCESS_CODE_ALPHABET.length)];
  return grouped(code);
}

/** The code as typed, in any case and with any spaces or dashes; undefined when it cannot be one. */
export function normaliseAccessCode(input: string): string | undefined {
  const cleaned = input.toUpperCase().replace(/[\s-]/g, '');
  return SHAPE.test(cleaned) ? grouped(cleaned) : undefined;
}

/**
 * What is stored of a code: an HMAC with the app's secret, keyed per questionnaire. Without the
 * secret, a copy of the database cannot be used to test guessed codes, and the same code on two
 * questionnaires gives unrelated hashes.
 */
export function hashAccessCode(secret: string, questionnaireId: string, code: string): string {
  const key = createHmac('sha256', secret).update(`access-code:${questionnaireId}`).digest();
  return createHmac('sha256', key).update(code).digest('hex');
}
