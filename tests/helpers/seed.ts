import pino from 'pino';
import type { Db } from '../../src/db/knex.js';
import { migrateLatest } from '../../src/db/knex.js';
import { depsFromDb } from '../../src/deps.js';
import { DEMO_SLUG, PATHS } from '../../src/paths.js';
import { testSettings } from './settings.js';

/** Migrates a database and seeds the demo questionnaire, as `npm start` does. */
export async function migrateAndSeed(db: Db) {
  await migrateLatest(db);
  const deps = depsFromDb(db, {
    logger: pino({ level: 'silent' }),
    draftTtlHours: 24,
    settings: testSettings(),
  });
  await deps.questionnaireAdmin.seedIfAbsent(PATHS.demoQuestionnaire, DEMO_SLUG);
  return deps;
}
