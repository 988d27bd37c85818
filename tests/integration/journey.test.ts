import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen, completeDemo, DEMO, DEMO_ANSWERS } from '../helpers/citizen.js';
import { storedAnswers } from '../helpers/seed.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const responseCount = async () => Number((await t.db('responses').count('* as n').first())?.n);

describe('a citizen answering the demo questionnaire', () => {
  it.each(['en', 'pl', 'ar'])('completes it in %s and gets a receipt code', async (lang) => {
    const before = await responseCount();
    const receipt = await completeDemo(new Citizen(t.app), lang);
    expect(receipt).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(await responseCount()).toBe(before + 1);
    const stored = await t.db('responses').orderBy('id').select('language');
    expect(stored.map((r) => r.language)).toContain(lang);
  });

  it('stores a free text of the longest allowed length in a script of three bytes a character', async () => {
    const before = await responseCount();
    const long = '遗传数据共享'.repeat(200).slice(0, 1000);
    const answers = DEMO_ANSWERS.map((fields, i) =>
      i === DEMO_ANSWERS.length - 1 ? { ...fields, comments: long } : fields,
    );
    await completeDemo(new Citizen(t.app), 'en', answers);
    expect(await responseCount()).toBe(before + 1);
    // In its response's row, and as a row of free-text answers for the text pages.
    expect(await storedAnswers(t.db).where('question_key', 'comments').pluck('value')).toContain(
      long,
    );
    const stored = await t.db('answers').where('question_key', 'comments').pluck('value');
    expect(stored).toContain(long);
  });

  it('stores one response when the same draft is submitted twice at once (a double click)', async () => {
    const citizen = new Citizen(t.app);
    await citizen.begin('en');
    for (const [i, fields] of DEMO_ANSWERS.entries()) await citizen.answer('en', i + 1, fields);
    const before = await responseCount();
    const answersBefore = Number((await storedAnswers(t.db).count('* as n').first())?.n);
    const [first, second] = await Promise.all([
      citizen.post(`/en/q/${DEMO}/submit`),
      citizen.post(`/en/q/${DEMO}/submit`),
    ]);
    expect([first.status, second.status]).toEqual([303, 303]);
    // Both go to the thank-you page: the answers were stored, once.
    expect([first.headers.location, second.headers.location]).toEqual([
      `/en/q/${DEMO}/done`,
      `/en/q/${DEMO}/done`,
    ]);
    // Only the request that stored them set a receipt to show there.
    const receipts = [first, second].filter((res) =>
      String(res.headers['set-cookie'] ?? '').includes('receipt'),
    );
    expect(receipts).toHaveLength(1);
    expect(await responseCount()).toBe(before + 1);
    const answersAfter = Number((await storedAnswers(t.db).count('* as n').first())?.n);
    expect(answersAfter - answersBefore).toBeGreaterThan(20);
  });

  it('sends a double click whose second submit arrives after the first was stored to the thank-you page, and stores nothing more', async () => {
    const citizen = new Citizen(t.app);
    await citizen.begin('en');
    for (const [i, fields] of DEMO_ANSWERS.entries()) await citizen.answer('en', i + 1, fields);
    // The cookies as the browser sent them with both clicks, before the first answer came.
    const { jar } = citizen.agent as unknown as {
      jar: { getCookies(access: object): { toValueString(): string } };
    };
    const cookies = jar
      .getCookies({ domain: '127.0.0.1', path: '/', secure: false, script: false })
      .toValueString();
    expect(cookies).toMatch(/draft/);
    const before = await responseCount();
    const first = await citizen.post(`/en/q/${DEMO}/submit`);
    expect(first.headers.location).toBe(`/en/q/${DEMO}/done`);
    const second = await request(t.app)
      .post(`/en/q/${DEMO}/submit`)
      .set('Cookie', cookies)
      .type('form')
      .send({ _csrf: citizen.csrf });
    expect(second.status).toBe(303);
    expect(second.headers.location).toBe(`/en/q/${DEMO}/done`);
    expect(String(second.headers['set-cookie'] ?? '')).not.toContain('receipt');
    expect(await responseCount()).toBe(before + 1);
  });

  it('shows the progress "Section 2 of 5" in the citizen language', async () => {
    const citizen = new Citizen(t.app);
    await citizen.begin('en');
    await citizen.answer('en', 1, DEMO_ANSWERS[0]!);
    await citizen.get(`/en/q/${DEMO}/s/2`);
    expect(citizen.html).toContain('Section 2 of 5');
    await citizen.get(`/pl/q/${DEMO}/s/2`);
    expect(citizen.html).toMatch(/<html lang="pl" dir="ltr">/);
  });

  it('renders Arabic pages right to left', async () => {
    const citizen = new Citizen(t.app);
    const res = await citizen.get(`/ar/q/${DEMO}`);
    expect(res.status).toBe(200);
    expect(citizen.html).toMatch(/<html lang="ar" dir="rtl">/);
  });
});
