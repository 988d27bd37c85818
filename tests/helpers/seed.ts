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

/**
 * Every stored answer as a row (questionnaire_id, response_id, ordinal, question_key, item,
 * value, free_text), read from the answer rows each response keeps in its own row: a query
 * to go on with (`.where(...)`, `.pluck(...)`, `.count(...)`).
 */
export function storedAnswers(db: Db) {
  return db.from(
    db.raw(`(select r.questionnaire_id, r.id as response_id, (e.n - 1)::int as ordinal,
                    e.a ->> 0 as question_key, e.a ->> 1 as item, e.a ->> 2 as value,
                    (e.a ->> 3)::boolean as free_text
               from responses r
                    cross join lateral jsonb_array_elements(r.answer_rows)
                      with ordinality as e (a, n)) as answers`),
  );
}

/** Whether a response still waits to be folded into the published numbers. */
export async function waitingForFold(db: Db, responseId: string): Promise<boolean> {
  return (await db('responses_waiting').where('response_id', responseId).first()) !== undefined;
}

/** How many responses wait to be folded into the published numbers. */
export async function responsesWaiting(db: Db): Promise<number> {
  const row = (await db('responses_waiting').count('* as n').first()) as { n: string };
  return Number(row.n);
}
