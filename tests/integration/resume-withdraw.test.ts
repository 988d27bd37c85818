import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashCode } from '../../src/domain/codes.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen, completeDemo, DEMO, DEMO_ANSWERS } from '../helpers/citizen.js';
import { waitingForLock, whileAFoldHoldsItsBatch } from '../helpers/folds.js';
import { foldedResponses } from '../helpers/results.js';
import { demoIds, waitingForFold } from '../helpers/seed.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const count = async (table: string) => Number((await t.db(table).count('* as n').first())?.n);

/** The id of the response a receipt belongs to. */
const responseOf = async (receipt: string) =>
  ((await t.db('responses').where('receipt_hash', hashCode(receipt)).first('id')) as { id: string })
    .id;

describe('save and resume later', () => {
  it('gives a resume code that brings the answers back in another browser', async () => {
    const first = new Citizen(t.app);
    await first.begin('de');
    await first.answer('de', 1, DEMO_ANSWERS[0]!);
    const saved = await first.answer('de', 2, { 'willingness.own_doctor': 'willing' }, 'save');
    expect(saved.status).toBe(303);
    await first.get(saved.headers.location as string);
    const code = /id="resume-code"><strong>([0-9A-Z-]+)</.exec(first.html)?.[1];
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);

    const second = new Citizen(t.app);
    await second.get(`/de/q/${DEMO}/resume`);
    const resumed = await second.post(`/de/q/${DEMO}/resume`, {
      code: code!.toLowerCase().replace(/-/g, ' '),
    });
    expect(resumed.status).toBe(303);
    await second.get(`/de/q/${DEMO}/s/1`);
    expect(second.html).toMatch(/id="f-familiarity-somewhat_familiar"[^>]*checked/);
    await second.get(`/de/q/${DEMO}/s/2`);
    expect(second.html).toMatch(/id="f-willingness--own_doctor-willing"[^>]*checked/);
  });

  it('a resume code works once: the first browser loses the draft, the code cannot be reused', async () => {
    const first = new Citizen(t.app);
    await first.begin('en');
    const saved = await first.answer('en', 1, DEMO_ANSWERS[0]!, 'save');
    await first.get(saved.headers.location as string);
    const code = /id="resume-code"><strong>([0-9A-Z-]+)</.exec(first.html)?.[1] as string;
    const second = new Citizen(t.app);
    await second.get(`/en/q/${DEMO}/resume`);
    expect((await second.post(`/en/q/${DEMO}/resume`, { code })).status).toBe(303);
    const third = new Citizen(t.app);
    await third.get(`/en/q/${DEMO}/resume`);
    const again = await third.post(`/en/q/${DEMO}/resume`, { code });
    expect(again.status).toBe(400);
    expect(third.html).toContain('No saved answers were found');
    expect((await first.get(`/en/q/${DEMO}/s/1`)).status).toBe(303);
  });

  it('explains a mistyped code in the citizen language', async () => {
    const citizen = new Citizen(t.app);
    await citizen.get(`/pl/q/${DEMO}/resume`);
    const res = await citizen.post(`/pl/q/${DEMO}/resume`, { code: 'abc' });
    expect(res.status).toBe(400);
    expect(citizen.html).toContain('href="#code"');
    expect(citizen.html).toMatch(/<html lang="pl"/);
    expect(citizen.html).toContain('value="abc"');
  });

  it('expired drafts cannot be resumed and are purged', async () => {
    const citizen = new Citizen(t.app);
    await citizen.begin('en');
    await t.db('drafts').update({ expires_at: t.db.raw("now() - interval '1 minute'") });
    expect((await citizen.get(`/en/q/${DEMO}/s/1`)).status).toBe(303);
    expect(await t.deps.repositories.drafts.deleteExpired()).toBeGreaterThan(0);
    expect(await count('drafts')).toBe(0);
  });
});

describe('withdrawal with the receipt code', () => {
  it('deletes the response and all its answers, its free-text rows too', async () => {
    const receipt = await completeDemo(new Citizen(t.app), 'en');
    const responses = await count('responses');
    const answers = await count('answers');
    const adjustments = await count('result_adjustments');
    const id = await responseOf(receipt);
    expect(await waitingForFold(t.db, id)).toBe(true);
    const citizen = new Citizen(t.app);
    await citizen.get('/fr/withdraw');
    const res = await citizen.post('/fr/withdraw', { code: receipt });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/fr/withdraw/done');
    expect(await count('responses')).toBe(responses - 1);
    expect(await count('answers')).toBeLessThan(answers);
    expect(
      await t
        .db('answers')
        .whereNotIn('response_id', t.db('responses').select('id'))
        .count('* as n')
        .first(),
    ).toEqual({ n: '0' });
    // Never counted, so nothing to take back from the results; and no longer waiting.
    expect(await waitingForFold(t.db, id)).toBe(false);
    expect(await count('result_adjustments')).toBe(adjustments);
  });

  it('deletes a response already counted in the results, with its free-text row', async () => {
    const receipt = await completeDemo(new Citizen(t.app), 'en');
    const { questionnaireId } = await demoIds(t.db);
    await t.deps.repositories.aggregates.fold(questionnaireId, { dimensions: [] }, 0);
    const counted = (await t
      .db('responses')
      .where('receipt_hash', hashCode(receipt))
      .first('id', 'answer_rows')) as {
      id: string;
      answer_rows: unknown[];
    };
    expect(await waitingForFold(t.db, counted.id)).toBe(false);
    expect(counted.answer_rows).toContainEqual(['consent_model', '', 'broad_once', false]);
    expect(await t.db('answers').where('response_id', counted.id).pluck('question_key')).toEqual([
      'comments',
    ]);
    const citizen = new Citizen(t.app);
    await citizen.get('/en/withdraw');
    expect((await citizen.post('/en/withdraw', { code: receipt })).headers.location).toBe(
      '/en/withdraw/done',
    );
    expect(await t.db('responses').where('id', counted.id).first()).toBeUndefined();
    expect(await t.db('answers').where('response_id', counted.id).first()).toBeUndefined();
    // What it added waits, negated, for the next fold.
    expect(await count('result_adjustments')).toBeGreaterThan(0);
  });

  it('a withdrawal while a fold counts the response waits for the fold, then takes it back', async () => {
    const { questionnaireId } = await demoIds(t.db);
    const { aggregates } = t.deps.repositories;
    await aggregates.fold(questionnaireId, { dimensions: [] }, 0);
    const receipt = await completeDemo(new Citizen(t.app), 'en');
    const id = await responseOf(receipt);
    // The fold has taken the response off the waiting list and waits for the cells.
    const { meanwhile } = await whileAFoldHoldsItsBatch(
      t.db,
      () => aggregates.fold(questionnaireId, { dimensions: [] }, 0),
      async () => {
        const withdrawing = t.deps.answering.withdraw(receipt);
        await expect
          .poll(() => waitingForLock(t.db, 'delete from responses_waiting'), { timeout: 5000 })
          .toBe(1);
        return { withdrawing };
      },
    );
    expect(await meanwhile.withdrawing).toBe(true);
    expect(await t.db('responses').where('id', id).first()).toBeUndefined();
    // Counted by the fold, so taken back by the next one.
    await aggregates.fold(questionnaireId, { dimensions: [] }, 0);
    expect(await count('result_adjustments')).toBe(0);
    expect(await count('responses_waiting')).toBe(0);
    expect(await foldedResponses(t.db)).toBe(await count('responses'));
  });

  it('says so when the code is unknown, and deletes nothing', async () => {
    await completeDemo(new Citizen(t.app), 'en');
    const responses = await count('responses');
    const citizen = new Citizen(t.app);
    await citizen.get('/en/withdraw');
    const res = await citizen.post('/en/withdraw', { code: 'AAAA-BBBB-CCCC-DDDD' });
    expect(res.status).toBe(400);
    expect(citizen.html).toContain('No answers were found for this receipt code');
    expect(await count('responses')).toBe(responses);
  });

  it('the receipt is shown once: reloading the thank-you page does not show it again', async () => {
    const citizen = new Citizen(t.app);
    const receipt = await completeDemo(citizen, 'en');
    await citizen.get(`/en/q/${DEMO}/done`);
    expect(citizen.html).not.toContain(receipt);
    expect(citizen.html).toContain('cannot be shown again');
  });
});

describe('codes are not lost by a mistake or bad timing', () => {
  it('a resume code typed on another questionnaire leaves the draft where it was', async () => {
    const { questionnaireFor } = await import('../helpers/coordinator.js');
    await questionnaireFor(t.deps, 'other-consultation', 'PL');
    const first = new Citizen(t.app);
    await first.begin('en');
    const saved = await first.answer('en', 1, DEMO_ANSWERS[0]!, 'save');
    await first.get(saved.headers.location as string);
    const code = /id="resume-code"><strong>([0-9A-Z-]+)</.exec(first.html)?.[1] as string;
    const wrong = new Citizen(t.app);
    await wrong.get('/en/q/other-consultation/resume');
    expect((await wrong.post('/en/q/other-consultation/resume', { code })).status).toBe(400);
    const right = new Citizen(t.app);
    await right.get(`/en/q/${DEMO}/resume`);
    expect((await right.post(`/en/q/${DEMO}/resume`, { code })).status).toBe(303);
    await right.get(`/en/q/${DEMO}/s/1`);
    expect(right.html).toMatch(/id="f-familiarity-somewhat_familiar"[^>]*checked/);
  });

  it('the receipt is still shown when the questionnaire closed just after submission', async () => {
    const citizen = new Citizen(t.app);
    await citizen.begin('en');
    for (const [i, fields] of DEMO_ANSWERS.entries()) await citizen.answer('en', i + 1, fields);
    await citizen.get(`/en/q/${DEMO}/check`);
    const submitted = await citizen.post(`/en/q/${DEMO}/submit`);
    await t.deps.questionnaireAdmin.setStatus(DEMO, 'closed');
    try {
      await citizen.get(submitted.headers.location as string);
      expect(citizen.html).toMatch(/id="receipt-code"><strong>[0-9A-Z-]+</);
    } finally {
      await t.deps.questionnaireAdmin.setStatus(DEMO, 'open');
    }
  });
});
