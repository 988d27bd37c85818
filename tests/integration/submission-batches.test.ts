import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewResponse } from '../../src/db/responses.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { demoIds, storedAnswers as answerRowsOf } from '../helpers/seed.js';

/**
 * Submissions made at the same moment are stored by one statement (src/db/responses.ts). These
 * tests send several at once to the repository, so that they go into one batch, and check that
 * each gets its own answer.
 */
let t: TestApp;
let questionnaireId: string;
let versionId: string;

beforeAll(async () => {
  t = await createTestApp();
  ({ questionnaireId, versionId } = await demoIds(t.db));
});
afterAll(async () => t.close());

let drafts = 0;
/** A live draft of the demo, as a citizen starting it has; returns its token's hash. */
async function draft(): Promise<string> {
  const tokenHash = `batch-test-${++drafts}-${randomUUID()}`;
  await t.deps.repositories.drafts.create(
    { tokenHash, questionnaireId, versionId, accessCodeHash: null },
    1,
  );
  return tokenHash;
}

function response(answer: string, overrides: Partial<NewResponse> = {}): NewResponse {
  return {
    questionnaireId,
    id: randomUUID(),
    versionId,
    language: 'en',
    isoWeek: '2026-W47',
    recordKey: Math.random(),
    receiptHash: randomUUID(),
    rows: [
      { questionKey: 'familiarity', item: '', value: answer },
      { questionKey: 'comments', item: '', value: `text of ${answer}`, freeText: true },
    ],
    ...overrides,
  };
}

const insert = (r: NewResponse, tokenHash: string) =>
  t.deps.repositories.responses.insert(r, { tokenHash, accessCodeHash: null });

/** A response's stored answers, as rows. */
async function storedAnswers(responseId: string) {
  return answerRowsOf(t.db)
    .where({ questionnaire_id: questionnaireId, response_id: responseId })
    .orderBy('ordinal')
    .select('ordinal', 'question_key', 'value', 'free_text');
}

describe('submissions stored together', () => {
  it('stores each of many submissions at once with its own answers, and deletes their drafts', async () => {
    const hashes = await Promise.all(Array.from({ length: 12 }, () => draft()));
    const responses = hashes.map((_, i) => response(`answer-${i}`));
    const results = await Promise.all(responses.map((r, i) => insert(r, hashes[i] as string)));
    expect(results).toEqual(hashes.map(() => 'stored'));
    for (const [i, r] of responses.entries()) {
      expect(await storedAnswers(r.id)).toEqual([
        { ordinal: 0, question_key: 'familiarity', value: `answer-${i}`, free_text: false },
        { ordinal: 1, question_key: 'comments', value: `text of answer-${i}`, free_text: true },
      ]);
    }
    expect(await t.db('drafts').whereIn('token_hash', hashes).count('* as n').first()).toEqual({
      n: '0',
    });
  });

  it('stores one response when one draft is submitted twice in the same batch', async () => {
    const [other, twice] = [await draft(), await draft()];
    const first = response('first');
    const second = response('second');
    const results = await Promise.all([
      insert(response('other'), other),
      insert(first, twice),
      insert(second, twice),
    ]);
    expect(results).toEqual(['stored', 'stored', 'draft-gone']);
    expect(await storedAnswers(first.id)).toHaveLength(2);
    expect(await storedAnswers(second.id)).toEqual([]);
  });

  it('fails only the submission the database refuses; the others of its batch are stored', async () => {
    const hashes = await Promise.all([draft(), draft(), draft()]);
    // No such version: the response's foreign key refuses it.
    const refused = response('refused', { versionId: randomUUID() });
    const good = [response('good-1'), response('good-2')];
    const results = await Promise.allSettled([
      insert(good[0] as NewResponse, hashes[0] as string),
      insert(refused, hashes[1] as string),
      insert(good[1] as NewResponse, hashes[2] as string),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await storedAnswers((good[0] as NewResponse).id)).toHaveLength(2);
    expect(await storedAnswers((good[1] as NewResponse).id)).toHaveLength(2);
    expect(await storedAnswers(refused.id)).toEqual([]);
    // The refused submission's draft is kept, for the citizen to try again.
    expect(await t.db('drafts').where('token_hash', hashes[1]).first('token_hash')).toBeDefined();
  });
});
