import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Config } from './config.js';

/**
 * The secret that signs CSRF tokens. Production must set SESSION_SECRET (config enforces it);
 * elsewhere one is generated once and kept beside the embedded database, so restarts and
 * several local processes agree.
 */
export function resolveSecret(config: Config): string {
  if (config.SESSION_SECRET) return config.SESSION_SECRET;
  const file = join(dirname(resolve(config.EMBEDDED_PG_DIR)), 'session-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dirname(file), { recursive: true });
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
