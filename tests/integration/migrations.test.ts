import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../src/db/knex.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { demoIds, storedAnswers } from '../helpers/seed.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const answersForeignKeys = async () =>
  (
    await t.db.raw<{ rows: { conname: string }[] }>(
      `select conname from pg_constraint where conrelid = 'answers'::regclass and contype = 'f'`,
    )
  ).rows.map((r) => r.conname);

/** Rolls back the newest migrations, one at a time, until `name` is the newest applied. */
async function downTo(name: string) {
  for (;;) {
    const [last] = (await t
      .db('knex_migrations')
      .orderBy('id', 'desc')
      .limit(1)
      .pluck('name')) as string[];
    if (last === name) return;
    if (last === undefined) throw new Error(`${name} was never applied`);
    await t.db.migrate.down();
  }
}

/** Inserts a response to the demo questionnaire, with `columns` added; returns its id. */
async function insertDemoResponse(columns: Record<string, unknown> = {}): Promise<string> {
  const { questionnaireId, versionId } = await demoIds(t.db);
  const id = randomUUID();
  await t.db('responses').insert({
    questionnaire_id: questionnaireId,
    id,
    version_id: versionId,
    language: 'en',
    iso_week: '2026-W47',
    record_key: 0.5,
    receipt_hash: randomUUID(),
    ...columns,
  });
  return id;
}

/** A response's rows of `answers`, as the tests below compare them. */
const rowsOfAnswers = (id: string) =>
  t
    .db('answers')
    .where('response_id', id)
    .orderBy('ordinal')
    .select('ordinal', 'question_key', 'item', 'value', 'free_text');

const AGE = { ordinal: 0, question_key: 'age', item: '', value: 'age_35_64', free_text: false };
const COMMENTS = {
  ordinal: 1,
  question_key: 'comments',
  item: '',
  value: 'my own words',
  free_text: true,
};

describe('migrations', () => {
  it('20261123001100 leaves room on the pages of the cells for their next versions; its rollback fills them again', async () => {
    const options = async () =>
      (await t.db.raw(`select reloptions from pg_class where relname = 'result_cells'`)).rows[0]
        .reloptions as string[] | null;
    expect(await options()).toEqual(['fillfactor=50']);
    await downTo('20261123001000_responses_waiting');
    expect(await options()).toBeNull();
    await migrateLatest(t.db);
  });

  it('20261123001000 lists the responses not yet counted in responses_waiting instead of marking them in their row; its rollback marks them again', async () => {
    await downTo('20261123000900_answers_in_their_response');
    const counted = await insertDemoResponse({ aggregated: true, answer_rows: '[]' });
    const waiting = await insertDemoResponse({ aggregated: false, answer_rows: '[]' });

    await migrateLatest(t.db);
    expect(await t.db.schema.hasColumn('responses', 'aggregated')).toBe(false);
    expect(await t.db('responses_waiting').pluck('response_id')).toEqual([waiting]);

    await downTo('20261123000900_answers_in_their_response');
    expect(await t.db.schema.hasTable('responses_waiting')).toBe(false);
    const marked = await t
      .db('responses')
      .whereIn('id', [counted, waiting])
      .select('id', 'aggregated');
    expect(Object.fromEntries(marked.map((r) => [r.id, r.aggregated]))).toEqual({
      [counted]: true,
      [waiting]: false,
    });
    await t.db('responses').whereIn('id', [counted, waiting]).delete();
    await migrateLatest(t.db);
  });

  it('20261123000900 keeps every answer in the row of its response and only free text in answers; its rollback makes them rows again', async () => {
    const { questionnaireId } = await demoIds(t.db);
    // As 20261123000800 left them: one response whose rows were made, one still waiting.
    await downTo('20261123000800_submissions_expanded_later');
    const made = await insertDemoResponse();
    await t.db('answers').insert(
      [AGE, COMMENTS].map((row) => ({
        ...row,
        questionnaire_id: questionnaireId,
        response_id: made,
      })),
    );
    const waiting = await insertDemoResponse({
      answer_rows: JSON.stringify([
        ['age', '', 'age_35_64', false],
        ['comments', '', 'my own words', true],
      ]),
    });
    const empty = await insertDemoResponse();

    await migrateLatest(t.db);
    for (const id of [made, waiting]) {
      expect(await t.db('responses').where('id', id).first('answer_rows')).toEqual({
        answer_rows: [
          ['age', '', 'age_35_64', false],
          ['comments', '', 'my own words', true],
        ],
      });
      expect(await rowsOfAnswers(id)).toEqual([COMMENTS]);
    }
    expect(await t.db('responses').where('id', empty).first('answer_rows')).toEqual({
      answer_rows: [],
    });
    // Nothing but free text is a row of answers any more.
    await expect(
      t
        .db('answers')
        .insert({ ...AGE, ordinal: 5, questionnaire_id: questionnaireId, response_id: made }),
    ).rejects.toThrow(/answers_free_text_only/);
    await expect(insertDemoResponse()).rejects.toThrow(/answer_rows/);

    await downTo('20261123000800_submissions_expanded_later');
    for (const id of [made, waiting]) {
      expect(await t.db('responses').where('id', id).first('answer_rows')).toEqual({
        answer_rows: null,
      });
      expect(await rowsOfAnswers(id)).toEqual([AGE, COMMENTS]);
    }
    await t.db('answers').whereIn('response_id', [made, waiting]).delete();
    await t.db('responses').whereIn('id', [made, waiting, empty]).delete();
    await migrateLatest(t.db);
  });

  it('20261123000800 adds the columns for submissions stored as one row; its rollback first makes the answer rows still waiting', async () => {
    await downTo('20261123000800_submissions_expanded_later');
    expect(await t.db.schema.hasColumn('responses', 'answer_rows')).toBe(true);
    expect(await t.db.schema.hasColumn('drafts', 'answer_rows')).toBe(true);
    const id = await insertDemoResponse({
      answer_rows: JSON.stringify([
        ['age', '', 'age_35_64', false],
        ['comments', '', 'my own words', true],
      ]),
    });
    await downTo('20261123000700_answers_without_row_checks');
    expect(await t.db.schema.hasColumn('responses', 'answer_rows')).toBe(false);
    expect(await t.db.schema.hasColumn('drafts', 'answer_rows')).toBe(false);
    expect(await rowsOfAnswers(id)).toEqual([AGE, COMMENTS]);
    await t.db('answers').where('response_id', id).delete();
    await t.db('responses').where('id', id).delete();
    await migrateLatest(t.db);
    expect(await t.db.schema.hasColumn('responses', 'answer_rows')).toBe(true);
  });

  it('20261123000700 drops the foreign key of answers, and its rollback puts it back', async () => {
    expect(await answersForeignKeys()).toEqual([]);
    await downTo('20261123000700_answers_without_row_checks');
    await t.db.migrate.down();
    expect(await answersForeignKeys()).toEqual(['answers_questionnaire_id_response_id_foreign']);
    await migrateLatest(t.db);
    expect(await answersForeignKeys()).toEqual([]);
  });

  it('20261123000600 marks the free-text answers stored before it, from the version each response answered', async () => {
    // Down to before 20261123000600: the newer migrations first.
    await downTo('20261123000600_free_text_rows');
    await t.db.migrate.down();
    expect(await t.db.schema.hasColumn('answers', 'free_text')).toBe(false);
    const id = await insertDemoResponse();
    const { questionnaireId } = await demoIds(t.db);
    const rows = [
      ['age', '', 'age_35_64'],
      ['comments', '', 'my own words'],
      ['trust', 'researchers', 'agree'],
    ];
    await t.db('answers').insert(
      rows.map(([question_key, item, value], ordinal) => ({
        questionnaire_id: questionnaireId,
        response_id: id,
        ordinal,
        question_key,
        item,
        value,
      })),
    );
    await migrateLatest(t.db);
    const marked = (await storedAnswers(t.db)
      .where('response_id', id)
      .orderBy('ordinal')
      .pluck('free_text')) as boolean[];
    expect(marked).toEqual([false, true, false]);
    const indexes = (await t
      .db('pg_indexes')
      .where('tablename', 'answers')
      .pluck('indexdef')) as string[];
    expect(indexes.filter((d) => /md5/.test(d))).toEqual([
      expect.stringMatching(/answers_free_text_position_idx .* WHERE free_text$/),
    ]);
    await t.db('answers').where('response_id', id).delete();
    await t.db('responses').where('id', id).delete();
  });

  it('roll back completely and apply again', async () => {
    await t.db.migrate.rollback(undefined, true);
    const tables = await t
      .db('information_schema.tables')
      .where('table_schema', 'public')
      .pluck('table_name');
    expect(tables.filter((n) => !n.startsWith('knex_'))).toEqual([]);
    const applied = await migrateLatest(t.db);
    expect(applied.length).toBeGreaterThanOrEqual(4);
    expect(await t.db.schema.hasTable('responses')).toBe(true);
  });
});
