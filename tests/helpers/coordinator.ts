import type { Express } from 'express';
import { readFileSync } from 'node:fs';
import type { Role } from '../../src/db/accounts.js';
import type { Deps } from '../../src/deps.js';
import { PATHS } from '../../src/paths.js';
import { Citizen } from './citizen.js';

export const PASSWORD = 'a long enough passphrase 42';

/** Creates an account with a known password. */
export async function account(deps: Deps, email: string, role: Role, countries: string[] = []) {
  return deps.accounts.createWithPassword({ email, role, countries, password: PASSWORD });
}

/** A browser of a signed-in coordinator (or analyst, or administrator). */
export async function signedIn(app: Express, email: string, password = PASSWORD): Promise<Citizen> {
  const browser = new Citizen(app);
  await browser.get('/admin/sign-in');
  const res = await browser.post('/admin/sign-in', { email, password });
  if (res.status !== 303) throw new Error(`sign-in of ${email} answered ${res.status}`);
  return browser;
}

/** Publishes a copy of the demo questionnaire for a country, under another slug (and other fields). */
export async function questionnaireFor(
  deps: Deps,
  slug: string,
  country: string,
  fields: Record<string, unknown> = {},
) {
  const demo = JSON.parse(readFileSync(PATHS.demoQuestionnaire, 'utf8')) as Record<string, unknown>;
  const result = await deps.questionnaireAdmin.import(
    { ...demo, slug, country, ...fields },
    'open',
  );
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.questionnaire;
}
