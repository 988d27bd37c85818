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

/** The demo questionnaire's id and its published version's, as seeded. */
export async function demoIds(db: Db): Promise<{ questionnaireId: string; versionId: string }> {
  const row = (await db('questionnaires')
    .where('slug', DEMO_SLUG)
    .first('id', 'published_version_id')) as { id: string; published_version_id: string };
  return { questionnaireId: row.id, versionId: row.published_version_id };
}
