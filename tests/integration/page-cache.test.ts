import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen, DEMO, DEMO_ANSWERS } from '../helpers/citizen.js';
import { csrfTokenIn } from '../helpers/cookie-jar.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const withoutToken = (html: string) => html.replaceAll(csrfTokenIn(html) ?? '(none)', 'TOKEN');

describe('pages rendered once and sent to many citizens', () => {
  it('every first visitor gets the start page with a token of their own, as it was rendered', async () => {
    const pages = await Promise.all(
      ['first', 'second', 'third'].map(() => request(t.app).get(`/pl/q/${DEMO}`)),
    );
    const later = await request(t.app).get(`/pl/q/${DEMO}`);
    const tokens = [...pages, later].map((res) => csrfTokenIn(res.text));
    expect(new Set(tokens).size).toBe(4);
    for (const res of [...pages, later]) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(withoutToken(res.text)).toBe(withoutToken(pages[0]!.text));
    }
    expect(later.text).toMatch(/<html lang="pl" dir="ltr">/);
    // In Arabic the same page is a page of its own.
    const arabic = await request(t.app).get(`/ar/q/${DEMO}`);
    expect(arabic.text).toMatch(/<html lang="ar" dir="rtl">/);
    expect(arabic.text).toContain('href="/pl/q/genomic-data-sharing"');
  });

  it("each citizen's token works with their own cookie, not with another's", async () => {
    const one = new Citizen(t.app);
    const two = new Citizen(t.app);
    await one.get(`/en/q/${DEMO}`);
    await two.get(`/en/q/${DEMO}`);
    expect(one.csrf).not.toBe(two.csrf);
    const swapped = one.csrf;
    one.csrf = two.csrf;
    expect((await one.post(`/en/q/${DEMO}/start`)).status).toBe(403);
    one.csrf = swapped;
    expect((await one.post(`/en/q/${DEMO}/start`)).status).toBe(303);
  });

  it("a section shows the citizen's own answers, never another citizen's", async () => {
    const answered = new Citizen(t.app);
    await answered.begin('en');
    await answered.answer('en', 1, DEMO_ANSWERS[0]!);
    await answered.get(`/en/q/${DEMO}/s/1`);
    expect(answered.html).toMatch(/value="somewhat_familiar"[^>]*checked/);

    const other = new Citizen(t.app);
    await other.begin('en');
    await other.get(`/en/q/${DEMO}/s/1`);
    expect(other.html).not.toMatch(/checked/);
    await other.answer('en', 1, { familiarity: 'very_familiar', prior_test: 'no' });
    await other.get(`/en/q/${DEMO}/s/1`);
    expect(other.html).toMatch(/value="very_familiar"[^>]*checked/);
    expect(other.html).not.toMatch(/value="somewhat_familiar"[^>]*checked/);
  });

  it('a section not yet answered shows the questions that earlier answers call for', async () => {
    // Section 2 asks about consent to a genetic test only of those who had one.
    const tested = new Citizen(t.app);
    await tested.begin('en');
    await tested.answer('en', 1, { familiarity: 'somewhat_familiar', prior_test: 'yes' });
    const untested = new Citizen(t.app);
    await untested.begin('en');
    await untested.answer('en', 1, { familiarity: 'somewhat_familiar', prior_test: 'no' });
    for (let i = 0; i < 2; i++) {
      await tested.get(`/en/q/${DEMO}/s/2`);
      expect(tested.html).toContain('name="prior_test_consent"');
      await untested.get(`/en/q/${DEMO}/s/2`);
      expect(untested.html).not.toContain('name="prior_test_consent"');
      expect(untested.html).toContain('name="benefit"');
    }
  });
});
