import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen, DEMO, DEMO_ANSWERS, encodeForm } from '../helpers/citizen.js';
import { storedAnswers } from '../helpers/seed.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const storedCounts = async () => ({
  responses: Number((await t.db('responses').count('* as n').first())?.n),
  answers: Number((await storedAnswers(t.db).count('* as n').first())?.n),
});

async function citizenAt(lang: string, section: number): Promise<Citizen> {
  const citizen = new Citizen(t.app);
  await citizen.begin(lang);
  for (let i = 0; i < section - 1; i++) await citizen.answer(lang, i + 1, DEMO_ANSWERS[i]!);
  await citizen.get(`/${lang}/q/${DEMO}/s/${section}`);
  return citizen;
}

const errorLinks = (html: string) =>
  [...html.matchAll(/<li><a href="(#[^"]+)">([^<]+)<\/a><\/li>/g)].map((m) => [m[1], m[2]]);

describe('when a citizen leaves required questions unanswered', () => {
  it('shows an error summary in Polish, "Błąd" in the title, links to each field, and keeps answers', async () => {
    const citizen = await citizenAt('pl', 1);
    const res = await citizen.post(`/pl/q/${DEMO}/s/1`, {
      familiarity: 'quite_familiar',
      action: 'next',
    });
    expect(res.status).toBe(400);
    const errors = errorLinks(citizen.html);
    expect(errors).toHaveLength(1);
    expect(errors[0]![0]).toBe('#f-prior_test');
    expect(errors[0]![1]).toContain('Czy kiedykolwiek');
    expect(citizen.html).toMatch(/<title>[^<]*Błąd/);
    expect(citizen.html).toMatch(/id="f-familiarity-quite_familiar"[^>]*checked/);
    expect(citizen.html).toContain('id="f-prior_test"');
  });

  it('names each unanswered matrix row', async () => {
    const citizen = await citizenAt('en', 2);
    const res = await citizen.post(`/en/q/${DEMO}/s/2`, {
      'willingness.own_doctor': 'willing',
      action: 'next',
    });
    expect(res.status).toBe(400);
    const hrefs = errorLinks(citizen.html).map(([href]) => href);
    expect(hrefs).toEqual([
      '#f-willingness--public_hospital_researchers',
      '#f-willingness--universities',
      '#f-willingness--pharma_companies',
      '#f-willingness--government_agencies',
      '#f-willingness--insurers',
    ]);
  });
});

describe('every question type validates what it stores', () => {
  const cases: [string, number, Record<string, string | string[]>, RegExp][] = [
    [
      'single-choice: unknown option key',
      1,
      { familiarity: 'hacked', prior_test: 'no' },
      /Choose one of the answers listed/,
    ],
    [
      'single-choice: two values',
      1,
      { familiarity: 'heard_little', prior_test: ['no', 'yes'] },
      /Choose one of the answers listed/,
    ],
    [
      'likert-matrix: unknown point',
      2,
      { ...DEMO_ANSWERS[1], 'willingness.insurers': 'love_them' },
      /Choose one of the answers listed/,
    ],
    [
      'consent-matrix: unknown choice',
      3,
      { ...DEMO_ANSWERS[2], 'consent_by_purpose.own_care': 'maybe' },
      /Choose one of the answers listed/,
    ],
    [
      'multi-choice: too many',
      4,
      {
        ...DEMO_ANSWERS[3],
        trust_measures: [
          'right_to_withdraw',
          'know_who_uses',
          'results_published',
          'independent_oversight',
        ],
      },
      /no more than 3/,
    ],
    [
      'multi-choice: exclusive with others',
      4,
      { ...DEMO_ANSWERS[3], trust_measures: ['none', 'know_who_uses'] },
      /cannot be selected together/,
    ],
    [
      'ranking: duplicate ranks',
      4,
      { ...DEMO_ANSWERS[3], 'measures_ranking.know_who_uses': '1' },
      /different rank/,
    ],
    [
      'ranking: partly ranked',
      4,
      { ...DEMO_ANSWERS[3], 'measures_ranking.results_published': '' },
      /a rank/,
    ],
    ['number: not a number', 5, { ...DEMO_ANSWERS[4], age: 'thirty' }, /whole number/],
    ['number: out of range', 5, { ...DEMO_ANSWERS[4], age: '7' }, /between 16 and 120/],
    [
      'text: too long',
      5,
      { ...DEMO_ANSWERS[4], comments: 'x'.repeat(1001) },
      /1000 characters or fewer/,
    ],
  ];

  it.each(cases)(
    '%s → 400 with a clear message, nothing stored',
    async (_name, section, fields, message) => {
      const before = await storedCounts();
      const citizen = await citizenAt('en', section);
      const res = await citizen.post(`/en/q/${DEMO}/s/${section}`, { ...fields, action: 'next' });
      expect(res.status).toBe(400);
      expect(citizen.html).toMatch(message);
      expect(citizen.html).toContain('There is a problem');
      expect(await storedCounts()).toEqual(before);
    },
  );

  it('accepts an age typed with Arabic-Indic digits', async () => {
    const citizen = await citizenAt('ar', 5);
    const res = await citizen.post(`/ar/q/${DEMO}/s/5`, {
      ...DEMO_ANSWERS[4],
      age: '٣٧',
      action: 'next',
    });
    expect(res.status).toBe(303);
  });
});

describe('conditional questions', () => {
  it('shows the consent follow-up only to citizens who had a genetic test', async () => {
    const tested = await citizenAt('en', 2);
    expect(tested.html).toContain('name="prior_test_consent"');
    const untested = new Citizen(t.app);
    await untested.begin('en');
    await untested.answer('en', 1, { familiarity: 'never_heard', prior_test: 'no' });
    await untested.get(`/en/q/${DEMO}/s/2`);
    expect(untested.html).not.toContain('name="prior_test_consent"');
  });

  it('ignores an answer posted for a hidden question and never stores it', async () => {
    const citizen = new Citizen(t.app);
    await citizen.begin('en');
    await citizen.answer('en', 1, { familiarity: 'never_heard', prior_test: 'no' });
    const res = await citizen.answer('en', 2, { ...DEMO_ANSWERS[1] });
    expect(res.status).toBe(303);
    for (let n = 3; n <= 5; n++) await citizen.answer('en', n, DEMO_ANSWERS[n - 1]!);
    await citizen.get(`/en/q/${DEMO}/check`);
    expect(citizen.html).not.toContain('were you asked');
    await citizen.post(`/en/q/${DEMO}/submit`);
    const hidden = await storedAnswers(t.db)
      .where('question_key', 'prior_test_consent')
      .count('* as n')
      .first();
    const responses = Number((await t.db('responses').count('* as n').first())?.n);
    expect(responses).toBeGreaterThan(0);
    expect(Number(hidden?.n)).toBe(0);
  });

  it('drops the follow-up answer when the citizen goes back and changes the answer it depends on', async () => {
    const citizen = await citizenAt('en', 3);
    await citizen.answer('en', 1, { familiarity: 'never_heard', prior_test: 'no' });
    await citizen.get(`/en/q/${DEMO}/s/2`);
    expect(citizen.html).not.toContain('name="prior_test_consent"');
    await citizen.answer('en', 1, { familiarity: 'never_heard', prior_test: 'yes' });
    await citizen.get(`/en/q/${DEMO}/s/2`);
    expect(citizen.html).not.toMatch(/id="f-prior_test_consent-no"[^>]*checked/);
  });
});

describe('back navigation', () => {
  it('keeps the answers of the page left and of the page returned to', async () => {
    const citizen = await citizenAt('en', 2);
    const res = await citizen.post(`/en/q/${DEMO}/s/2`, {
      'willingness.insurers': 'unwilling',
      action: 'back',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/en/q/${DEMO}/s/1`);
    await citizen.get(`/en/q/${DEMO}/s/1`);
    expect(citizen.html).toMatch(/id="f-familiarity-somewhat_familiar"[^>]*checked/);
    await citizen.get(`/en/q/${DEMO}/s/2`);
    expect(citizen.html).toMatch(/id="f-willingness--insurers-unwilling"[^>]*checked/);
  });
});

describe('bad input is refused whole with a 4xx and nothing stored', () => {
  it('refuses NUL bytes', async () => {
    const before = await storedCounts();
    const citizen = await citizenAt('en', 5);
    const res = await citizen.post(`/en/q/${DEMO}/s/5`, {
      ...DEMO_ANSWERS[4],
      comments: 'hello\u0000world',
      action: 'next',
    });
    expect(res.status).toBe(400);
    expect(citizen.html).toContain('could not read your answers');
    expect(await storedCounts()).toEqual(before);
  });

  it('refuses field names the section does not have', async () => {
    const citizen = await citizenAt('en', 1);
    const res = await citizen.post(`/en/q/${DEMO}/s/1`, {
      ...DEMO_ANSWERS[0],
      is_admin: 'true',
      action: 'next',
    });
    expect(res.status).toBe(400);
    await citizen.get(`/en/q/${DEMO}/s/1`);
    expect(citizen.html).not.toMatch(/checked/);
  });

  it('refuses an unknown action', async () => {
    const citizen = await citizenAt('en', 1);
    const res = await citizen.post(`/en/q/${DEMO}/s/1`, { ...DEMO_ANSWERS[0], action: 'delete' });
    expect(res.status).toBe(400);
  });

  it('answers an oversized form with 413 and a translated page', async () => {
    const citizen = await citizenAt('de', 5);
    const res = await citizen.post(`/de/q/${DEMO}/s/5`, {
      comments: 'x'.repeat(70_000),
      action: 'next',
    });
    expect(res.status).toBe(413);
    expect(citizen.html).toMatch(/<html lang="de"/);
    expect(citizen.html).not.toContain('Your answer is too long');
  });

  it('refuses a POST without a CSRF token, in the citizen language', async () => {
    const before = await storedCounts();
    const citizen = await citizenAt('fr', 1);
    const res = await citizen.post(
      `/fr/q/${DEMO}/s/1`,
      { ...DEMO_ANSWERS[0], action: 'next' },
      { csrf: false },
    );
    expect(res.status).toBe(403);
    expect(citizen.html).toMatch(/<html lang="fr"/);
    expect(await storedCounts()).toEqual(before);
  });

  it('refuses a POST with a token from another browser', async () => {
    const other = new Citizen(t.app);
    await other.get(`/en/q/${DEMO}`);
    const citizen = await citizenAt('en', 1);
    citizen.csrf = other.csrf;
    const res = await citizen.post(`/en/q/${DEMO}/s/1`, { ...DEMO_ANSWERS[0], action: 'next' });
    expect(res.status).toBe(403);
  });

  it('refuses a submission without a CSRF token', async () => {
    const before = await storedCounts();
    const citizen = new Citizen(t.app);
    await citizen.begin('en');
    for (let i = 0; i < 5; i++) await citizen.answer('en', i + 1, DEMO_ANSWERS[i]!);
    const res = await citizen.agent.post(`/en/q/${DEMO}/submit`).type('form').send(encodeForm({}));
    expect(res.status).toBe(403);
    expect(await storedCounts()).toEqual(before);
  });

  it('answers a section number that does not exist with a 404 page', async () => {
    const citizen = await citizenAt('en', 1);
    expect((await citizen.get(`/en/q/${DEMO}/s/99`)).status).toBe(404);
    expect((await citizen.get(`/en/q/${DEMO}/s/abc`)).status).toBe(404);
  });
});

describe('the honeypot of an open questionnaire', () => {
  it('a robot that fills in the hidden field gets back to the start page, and no draft exists', async () => {
    const drafts = async () => Number((await t.db('drafts').count('* as n').first())?.n);
    const before = await drafts();
    const robot = new Citizen(t.app);
    await robot.get(`/en/q/${DEMO}`);
    expect(robot.html).toMatch(/<div class="honeypot" aria-hidden="true">/);
    const res = await robot.post(`/en/q/${DEMO}/start`, { website: 'http://spam.example' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/en/q/${DEMO}`);
    expect(await drafts()).toBe(before);
    expect((await robot.get(`/en/q/${DEMO}/s/1`)).status).toBe(303);
  });

  it('a person, who leaves it empty, starts as usual', async () => {
    const person = new Citizen(t.app);
    await person.get(`/en/q/${DEMO}`);
    const res = await person.post(`/en/q/${DEMO}/start`, { website: '' });
    expect(res.headers.location).toBe(`/en/q/${DEMO}/s/1`);
  });
});
