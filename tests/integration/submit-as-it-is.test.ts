import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DraftSubmission } from '../../src/db/responses.js';
import { hashCode } from '../../src/domain/codes.js';
import type { ResponseRow } from '../../src/domain/questionnaire/journey.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { whileAFoldHoldsItsBatch } from '../helpers/folds.js';
import { demoIds, responsesWaiting, waitingForFold } from '../helpers/seed.js';
import { Citizen, DEMO, DEMO_ANSWERS } from '../helpers/citizen.js';

/**
 * A complete draft is submitted by one statement that never reads it (src/db/responses.ts
 * submitDraft): the response is stored with the draft's answer rows in its own row, and its
 * free-text answers also as rows of `answers` (for the text pages); the fold counts it from its
 * row.
 */
let t: TestApp;
let questionnaireId: string;
let versionId: string;

beforeAll(async () => {
  t = await createTestApp();
  ({ questionnaireId, versionId } = await demoIds(t.db));
});
afterAll(async () => t.close());

/** A citizen who has answered every section of the demo and is on the check page. */
async function onCheckPage(lang = 'en'): Promise<Citizen> {
  const citizen = new Citizen(t.app);
  await citizen.begin(lang);
  for (const [i, fields] of DEMO_ANSWERS.entries()) {
    const res = await citizen.answer(lang, i + 1, fields);
    expect(res.status).toBe(303);
  }
  await citizen.get(`/${lang}/q/${DEMO}/check`);
  return citizen;
}

/** The hash of the citizen's draft token, from the cookie their browser keeps. */
function draftHashOf(citizen: Citizen): string {
  const { jar } = citizen.agent as unknown as {
    jar: { getCookie(name: string, access: object): { value: string } | undefined };
  };
  const access = { domain: '127.0.0.1', path: '/', secure: false, script: false };
  const token = jar.getCookie(`consulta_draft_${DEMO}`, access)?.value;
  if (!token) throw new Error('no draft cookie');
  return hashCode(token);
}

/** The receipt on the thank-you page a submit redirected to. */
async function receiptAfter(citizen: Citizen, location: string): Promise<string> {
  await citizen.get(location);
  const code = /id="receipt-code"><strong>([0-9A-Z-]+)</.exec(citizen.html)?.[1];
  if (!code) throw new Error('no receipt on the thank-you page');
  return code;
}

const responseOf = async (receipt: string) =>
  (await t.db('responses').where('receipt_hash', hashCode(receipt)).first()) as
    { id: string; version_id: string; language: string; answer_rows: unknown } | undefined;

/** The response's rows of `answers`: its free-text answers. */
const textRows = (responseId: string) =>
  t
    .db('answers')
    .where({ questionnaire_id: questionnaireId, response_id: responseId })
    .orderBy('ordinal')
    .select('ordinal', 'question_key', 'item', 'value', 'free_text');

const draftOf = async (tokenHash: string) =>
  (await t.db('drafts').where('token_hash', tokenHash).first()) as
    { answer_rows: unknown } | undefined;

/** The answer rows of the drafts made below. */
const ROWS: ResponseRow[] = [
  { questionKey: 'familiarity', item: '', value: 'very_familiar' },
  { questionKey: 'comments', item: '', value: 'my [email]', freeText: true },
];

let made = 0;
/** A live draft of the demo with these answers; returns its token's hash. */
async function draft(
  options: { complete?: boolean; accessCodeHash?: string | null; hours?: number } = {},
): Promise<string> {
  const tokenHash = `as-it-is-${++made}-${randomUUID()}`;
  await t.deps.repositories.drafts.create(
    { tokenHash, questionnaireId, versionId, accessCodeHash: options.accessCodeHash ?? null },
    options.hours ?? 1,
  );
  await t.deps.repositories.drafts.saveAnswers(
    tokenHash,
    { familiarity: 'very_familiar', prior_test: 'no' },
    options.complete === false ? undefined : ROWS,
  );
  return tokenHash;
}

/** A client's hit on a limit of submissions, its own counter unless `key` is given. */
const hitOn = (limit = 1000, key = `submits:client-${randomUUID()}`) => ({
  key,
  limit,
  seconds: 600,
});

const submission = (tokenHash: string, hit = hitOn()): DraftSubmission => ({
  tokenHash,
  questionnaireId,
  id: randomUUID(),
  language: 'en',
  isoWeek: '2026-W47',
  recordKey: Math.random(),
  receiptHash: randomUUID(),
  hit,
});

const hitsOf = async (key: string) =>
  ((await t.db('rate_limits').where('key', key).first('hits')) as { hits: number } | undefined)
    ?.hits;

describe('a complete draft submitted as it is', () => {
  it('stores the response with the same answer rows as a draft read and checked first', async () => {
    // One citizen's draft goes by the one statement; the other's is made to look incomplete,
    // so that its submission reads and checks it, and makes its answer rows from what it read.
    const quick = await onCheckPage();
    const slow = await onCheckPage();
    await t.db('drafts').where('token_hash', draftHashOf(slow)).update({ answer_rows: null });

    const quickSubmit = await quick.post(`/en/q/${DEMO}/submit`);
    const slowSubmit = await slow.post(`/en/q/${DEMO}/submit`);
    expect(quickSubmit.headers.location).toBe(`/en/q/${DEMO}/done`);
    expect(slowSubmit.headers.location).toBe(`/en/q/${DEMO}/done`);
    const quickResponse = await responseOf(await receiptAfter(quick, `/en/q/${DEMO}/done`));
    const slowResponse = await responseOf(await receiptAfter(slow, `/en/q/${DEMO}/done`));
    if (!quickResponse || !slowResponse) throw new Error('a response was not stored');

    // Stored as one row: the draft's answer rows; its free text also as a row of `answers`.
    expect(quickResponse.answer_rows).toContainEqual(['consent_model', '', 'broad_once', false]);
    expect((quickResponse.answer_rows as unknown[]).length).toBeGreaterThan(20);
    const texts = await textRows(quickResponse.id);
    expect(texts.map((r) => [r.question_key, r.free_text])).toEqual([['comments', true]]);
    expect(texts[0]?.value).toContain('[email]');
    expect(quickResponse.answer_rows).toContainEqual(['comments', '', texts[0]?.value, true]);
    expect(
      (quickResponse.answer_rows as unknown[][]).findIndex((row) => row[0] === 'comments'),
    ).toBe(texts[0]?.ordinal);
    // The long way stores its response in the same form, with the same rows.
    expect(slowResponse.answer_rows).toEqual(quickResponse.answer_rows);
    expect(await textRows(slowResponse.id)).toEqual(texts);
    expect(quickResponse.version_id).toBe(versionId);
    expect(quickResponse.language).toBe('en');
  });

  it('marks a draft complete only while every required question it shows is answered', async () => {
    const citizen = new Citizen(t.app);
    await citizen.begin('en');
    const complete = async () => (await draftOf(draftHashOf(citizen)))?.answer_rows != null;
    for (const [i, fields] of DEMO_ANSWERS.entries()) {
      await citizen.answer('en', i + 1, fields);
      // Complete once section 4 is saved: section 5 asks nothing that must be answered.
      expect(await complete()).toBe(i >= 3);
    }
    // Going back from section 3 with a required question emptied saves it without it.
    const withoutConsentModel = Object.fromEntries(
      Object.entries(DEMO_ANSWERS[2]!).filter(([name]) => name !== 'consent_model'),
    );
    expect((await citizen.answer('en', 3, withoutConsentModel, 'back')).status).toBe(303);
    expect(await complete()).toBe(false);

    // Its submission reads it, stores nothing, and sends the citizen to the missing answer.
    const before = await t.db('responses').count('* as n').first();
    await citizen.get(`/en/q/${DEMO}/check`);
    const submitted = await citizen.post(`/en/q/${DEMO}/submit`);
    expect(submitted.status).toBe(303);
    expect(submitted.headers.location).toBe(`/en/q/${DEMO}/s/3`);
    expect(await t.db('responses').count('* as n').first()).toEqual(before);
    expect(await draftOf(draftHashOf(citizen))).toBeDefined();
  });

  it('submits none but a live, complete draft of that questionnaire without an access code', async () => {
    const submitDraft = t.deps.repositories.responses.submitDraft;
    const incomplete = await draft({ complete: false });
    const codeHash = `code-${randomUUID()}`;
    await t.db('access_codes').insert({ questionnaire_id: questionnaireId, code_hash: codeHash });
    const withCode = await draft({ accessCodeHash: codeHash });
    const expired = await draft({ hours: -1 });
    const complete = await draft();
    const elsewhere = { ...submission(complete), questionnaireId: randomUUID() };

    expect(await submitDraft(submission(incomplete))).toBe('not-submitted');
    expect(await submitDraft(submission(withCode))).toBe('not-submitted');
    expect(await submitDraft(submission(expired))).toBe('not-submitted');
    expect(await submitDraft(elsewhere)).toBe('not-submitted');
    expect(await submitDraft(submission(`no-such-draft-${randomUUID()}`))).toBe('not-submitted');
    // None of them was deleted.
    for (const hash of [incomplete, withCode, expired, complete])
      expect(await draftOf(hash)).toBeDefined();

    const stored = submission(complete);
    expect(await submitDraft(stored)).toBe('stored');
    expect(await draftOf(complete)).toBeUndefined();
    expect(await t.db('responses').where('id', stored.id).first('answer_rows')).toEqual({
      answer_rows: [
        ['familiarity', '', 'very_familiar', false],
        ['comments', '', 'my [email]', true],
      ],
    });
    expect(await textRows(stored.id)).toEqual([
      { ordinal: 1, question_key: 'comments', item: '', value: 'my [email]', free_text: true },
    ]);
    // Submitted again, it is gone.
    expect(await submitDraft(submission(complete))).toBe('not-submitted');
  });

  it('stores each of many drafts submitted at once, and one draft submitted twice in one statement once', async () => {
    const hashes = await Promise.all(Array.from({ length: 10 }, () => draft()));
    const submissions = hashes.map((hash) => submission(hash));
    const twice = submission(hashes[0] as string);
    const results = await Promise.all(
      [...submissions, twice].map((s) => t.deps.repositories.responses.submitDraft(s)),
    );
    expect(results).toEqual([...hashes.map(() => 'stored'), 'draft-gone']);
    const stored = (await t
      .db('responses')
      .whereIn(
        'id',
        [...submissions, twice].map((s) => s.id),
      )
      .pluck('id')) as string[];
    expect(stored.sort()).toEqual(submissions.map((s) => s.id).sort());
  });

  it("counts each submission on its client's limit in the same statement, in their order", async () => {
    // Seven submissions at once: five of one client with a limit of three, two of another.
    const one = hitOn(3);
    const other = hitOn(3);
    await t
      .db('rate_limits')
      .insert({ key: other.key, hits: 2, reset_at: t.db.raw("now() + interval '5 minutes'") });
    const hashes = await Promise.all(Array.from({ length: 7 }, () => draft()));
    const submissions = hashes.map((hash, i) => submission(hash, i < 5 ? one : other));
    const results = await Promise.all(
      submissions.map((s) => t.deps.repositories.responses.submitDraft(s)),
    );
    expect(results).toEqual([
      ...['stored', 'stored', 'stored', 'too-many', 'too-many'],
      ...['stored', 'too-many'],
    ]);
    expect(await hitsOf(one.key)).toBe(5);
    expect(await hitsOf(other.key)).toBe(4);
    // The refused are not stored, and their drafts are kept to be sent again.
    const stored = (await t
      .db('responses')
      .whereIn(
        'id',
        submissions.map((s) => s.id),
      )
      .pluck('id')) as string[];
    expect(stored.sort()).toEqual([0, 1, 2, 5].map((i) => submissions[i]?.id).sort());
    for (const i of [3, 4, 6]) expect(await draftOf(hashes[i] as string)).toBeDefined();
    // A counter whose window has passed starts again.
    await t
      .db('rate_limits')
      .where('key', one.key)
      .update({ reset_at: t.db.raw('now()') });
    expect(
      await t.deps.repositories.responses.submitDraft(submission(hashes[3] as string, one)),
    ).toBe('stored');
    expect(await hitsOf(one.key)).toBe(1);
  });

  it('counts a submission it does not take, once: the long way does not count it again', async () => {
    const limit = await createTestApp({
      rateLimits: { postsPerMinute: 1000, submitsPer10Minutes: 5 },
    });
    try {
      const citizen = new Citizen(limit.app, { 'X-Forwarded-For': '198.51.100.201' });
      await citizen.begin('en');
      await citizen.answer('en', 1, DEMO_ANSWERS[0] ?? {});
      // Incomplete: the statement counts it and takes nothing; the long way sends it back.
      const res = await citizen.post(`/en/q/${DEMO}/submit`);
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe(`/en/q/${DEMO}/s/2`);
      expect(await limit.db('rate_limits').where('key', 'like', 'submits:%').pluck('hits')).toEqual(
        [1],
      );
      // Without a draft at all, the statement is not run; the limiter counts it.
      const stranger = new Citizen(limit.app, { 'X-Forwarded-For': '198.51.100.201' });
      await stranger.get(`/en/q/${DEMO}`);
      expect((await stranger.post(`/en/q/${DEMO}/submit`)).status).toBe(303);
      expect(await limit.db('rate_limits').where('key', 'like', 'submits:%').pluck('hits')).toEqual(
        [2],
      );
    } finally {
      await limit.close();
    }
  });

  it('is counted by the fold from its answer rows, its free text left out', async () => {
    const aggregates = t.deps.repositories.aggregates;
    const scope = { dimensions: [], uncounted: ['comments'] };
    await aggregates.fold(questionnaireId, scope, 0);
    const hash = await draft();
    const stored = submission(hash);
    expect(await t.deps.repositories.responses.submitDraft(stored)).toBe('stored');

    const familiarity = async () =>
      Number(
        (
          (await t
            .db('result_cells')
            .where({
              questionnaire_id: questionnaireId,
              dimension: '',
              question_key: 'familiarity',
              value: 'very_familiar',
            })
            .first('count')) as { count: string } | undefined
        )?.count ?? 0,
      );
    const texts = async () =>
      (await t
        .db('result_cells')
        .where({ questionnaire_id: questionnaireId, question_key: 'comments' })
        .count('* as n')
        .first()) as { n: string };
    const before = await familiarity();
    const textsBefore = await texts();
    expect(await aggregates.fold(questionnaireId, scope, 0)).toBe(1);
    expect(await waitingForFold(t.db, stored.id)).toBe(false);
    expect(await familiarity()).toBe(before + 1);
    expect(await texts()).toEqual(textsBefore);
  });

  it('stores submissions while a fold is counting (the fold locks out other folds, not them)', async () => {
    const { aggregates, responses } = t.deps.repositories;
    expect(await responses.submitDraft(submission(await draft()))).toBe('stored');
    const later = submission(await draft());
    // The fold waits for the cells, which another transaction holds, once it has taken its lock
    // on the questionnaire and its batch off the waiting list.
    await whileAFoldHoldsItsBatch(
      t.db,
      () => aggregates.fold(questionnaireId, { dimensions: [] }, 0),
      async () => {
        const stored = await Promise.race([
          responses.submitDraft(later),
          new Promise((r) => setTimeout(() => r('still waiting after 3 s'), 3000)),
        ]);
        expect(stored).toBe('stored');
      },
    );
    // Stored after the fold began, it waits for the next one.
    expect(await waitingForFold(t.db, later.id)).toBe(true);
  });

  it('a fold counts what waited when it began; responses stored meanwhile wait for the next', async () => {
    const { aggregates, responses } = t.deps.repositories;
    const scope = { dimensions: [] };
    await aggregates.fold(questionnaireId, scope, 0);
    for (let i = 0; i < 3; i++)
      expect(await responses.submitDraft(submission(await draft()))).toBe('stored');
    // Batches of 2: the fold counts 2, then waits for the cells while two more are stored.
    const { folded } = await whileAFoldHoldsItsBatch(
      t.db,
      () => aggregates.fold(questionnaireId, scope, 0, 2),
      async () => {
        for (let i = 0; i < 2; i++)
          expect(await responses.submitDraft(submission(await draft()))).toBe('stored');
      },
    );
    expect(folded).toBe(3);
    expect(await responsesWaiting(t.db)).toBe(2);
  });

  it("a fold's last batch takes a few more rather than leave fewer than the minimum", async () => {
    const { aggregates, responses } = t.deps.repositories;
    const scope = { dimensions: [] };
    await aggregates.fold(questionnaireId, scope, 0);
    for (let i = 0; i < 5; i++)
      expect(await responses.submitDraft(submission(await draft()))).toBe('stored');
    const before = await aggregates.generation(questionnaireId);
    // In batches of 2 with a minimum of 3, so of at least 3: 5 in one batch, not 3 + 2.
    expect(await aggregates.fold(questionnaireId, scope, 3, 2)).toBe(5);
    expect(await aggregates.generation(questionnaireId)).toBe(before + 1);
    for (let i = 0; i < 7; i++)
      expect(await responses.submitDraft(submission(await draft()))).toBe('stored');
    // 7 in batches of 3 and 4.
    expect(await aggregates.fold(questionnaireId, scope, 3, 2)).toBe(7);
    expect(await aggregates.generation(questionnaireId)).toBe(before + 3);
    expect(await responsesWaiting(t.db)).toBe(0);
  });
});
