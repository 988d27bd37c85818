import { createHash, randomBytes, randomInt } from 'node:crypto';

/** Crockford base32: no I, L, O or U, so codes survive being read aloud or copied by hand. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** A random code of 16 characters (80 bits) in groups of four: "K7QM-2XTB-9RWD-H4PZ". */
export function newCode(): string {
  let code = '';
  for (let i = 0; i < 16; i++) code += ALPHABET[randomInt(32)];
  return code.match(/.{4}/g)!.join('-');
}

/** Accepts a code as typed: any case, spaces or dashes, O for 0 and I or L for 1. */
export function normaliseCode(input: string): string | undefined {
  const cleaned = input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (!/^[0-9A-HJKMNP-TV-Z]{16}$/.test(cleaned)) return undefined;
  return cleaned.match(/.{4}/g)!.join('-');
}

/** Codes are stored only as hashes: a database copy cannot be used to withdraw or resume. */
export function hashCode(code: string): string {
  return createHash('sha256').update(`consulta:${code}`).digest('hex');
}

/**
 * Random bytes drawn from the system in blocks: one call to it per 128 tokens rather than one
 * each (a first visit gets a token, and a burst of first visits is what the start page meets).
 */
const TOKEN_BYTES = 32;
let block = Buffer.alloc(0);
let used = 0;

/** A random opaque token for cookies (256 bits). */
export function newToken(): string {
  if (used + TOKEN_BYTES > block.length) {
    block = randomBytes(TOKEN_BYTES * 128);
    used = 0;
  }
  used += TOKEN_BYTES;
  return block.toString('base64url', used - TOKEN_BYTES, used);
}
