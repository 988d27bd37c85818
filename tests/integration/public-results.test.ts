import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen, completeDemo, DEMO } from '../helpers/citizen.js';
import { account, signedIn } from '../helpers/coordinator.js';
import { demoCountry } from '../helpers/results.js';
import { simulationService } from '../../src/services/simulation.js';

let t: TestApp;
let coordinator: Citizen;
let admin: Citizen;
const PAGE = `/admin/questionnaires/${DEMO}`;
const RESULTS = `${PAGE}/results`;
const PUBLIC = (lang: string) => `/${lang}/q/${DEMO}/results`;

/** The tables of a results page, without what differs between the two pages around them. */
const tables = (html: string) =>
  [...html.matchAll(/<table class="table">[\s\S]*?<\/table>/g)].map((m) =>
    m[0].replace(/\s+/g, ' '),
  );

const settings = async () =>
  (await t
    .db('questionnaires')
    .where('slug', DEMO)
    .first('disclosure_threshold', 'results_public', 'retention_days', 'answers_deleted_at')) as {
    disclosure_threshold: number;
    results_public: string;
    retention_days: number | null;
    answers_deleted_at: Date | null;
  };

const responsesStored = async () =>
  Number(((await t.db('responses').count('* as n').first()) as { n: string }).n);

beforeAll(async () => {
  t = await createTestApp();
  const country = await demoCountry(t.db);
  await account(t.deps, 'coordinator@example.org', 'coordinator', [country]);
  await account(t.deps, 'analyst@example.org', 'analyst', [country]);
  await account(t.deps, 'admin@example.org', 'admin');
  coordinator = await signedIn(t.app, 'coordinator@example.org');
  admin = await signedIn(t.app, 'admin@example.org');
  await simulationService(t.deps.repositories).simulate(DEMO, {
    count: 60,
    seed: 11,
    now: new Date(),
  });
});
afterAll(async () => t.close());

describe('results settings on the questionnaire page', () => {
  it('shows the defaults: k = 10, not public, answers kept', async () => {
    expect((await coordinator.get(PAGE)).status).toBe(200);
    expect(coordinator.html).toContain('id="threshold" name="threshold"');
    expect(coordinator.html).toMatch(/id="public-off"[^>]* checked/);
    // Only administrators set retention.
    expect(coordinator.html).not.toContain('name="days"');
    await admin.get(PAGE);
    expect(admin.html).toContain('name="days"');
  });

  it('refuses a threshold below 5, above 1000 or not a number, with a translated error and nothing saved', async () => {
    await coordinator.get(PAGE);
    for (const threshold of ['4', '1001', 'ten', '7.5', '']) {
      const res = await coordinator.post(`${PAGE}/results-settings`, { threshold, public: 'live' });
      expect(res.status).toBe(400);
      expect(coordinator.html).toContain('Enter a whole number from 5 to 1,000.');
      expect(coordinator.html).toContain('href="#threshold"');
    }
    await coordinator.get(`/language/pl?next=${encodeURIComponent(PAGE)}`);
    try {
      await coordinator.get(PAGE);
      const res = await coordinator.post(`${PAGE}/results-settings`, {
        threshold: '3',
        public: 'off',
      });
      expect(res.status).toBe(400);
      expect(coordinator.html).toContain('<html lang="pl"');
      expect(coordinator.html).not.toContain('Enter a whole number from 5');
      expect(coordinator.html).toContain('1000');
    } finally {
      await coordinator.get(`/language/en?next=${encodeURIComponent(PAGE)}`);
    }
    expect(await settings()).toMatchObject({ disclosure_threshold: 10, results_public: 'off' });
    // An unknown choice is not a form this page sends: a plain 400.
    await coordinator.get(PAGE);
    expect(
      (await coordinator.post(`${PAGE}/results-settings`, { threshold: '10', public: 'always' }))
        .status,
    ).toBe(400);
  });

  it('an analyst may not change them, a coordinator may not set retention', async () => {
    const analyst = await signedIn(t.app, 'analyst@example.org');
    await analyst.get(PAGE);
    expect(analyst.html).not.toContain('name="threshold"');
    expect(
      (await analyst.post(`${PAGE}/results-settings`, { threshold: '20', public: 'live' })).status,
    ).toBe(403);
    await coordinator.get(PAGE);
    expect((await coordinator.post(`${PAGE}/retention`, { days: '30' })).status).toBe(403);
    expect(await settings()).toMatchObject({ disclosure_threshold: 10, retention_days: null });
  });

  it('a coordinator sets k and public results; the change is audited', async () => {
    await coordinator.get(PAGE);
    const res = await coordinator.post(`${PAGE}/results-settings`, {
      threshold: '12',
      public: 'closed',
    });
    expect(res.status).toBe(303);
    expect(await settings()).toMatchObject({ disclosure_threshold: 12, results_public: 'closed' });
    await coordinator.get(res.headers.location as string);
    expect(coordinator.html).toContain('The results settings are saved.');
    expect(coordinator.html).toMatch(/id="public-closed"[^>]* checked/);
    const audit = await t.db('audit_log').where('action', 'results-settings').first('details');
    expect(audit).toBeDefined();
  });

  it("the results use the questionnaire's own k", async () => {
    await coordinator.get(`${RESULTS}?by=$language`);
    expect(coordinator.html).toContain('&lt;12');
    expect(coordinator.html).not.toContain('&lt;10');
  });
});

describe('the public results page', () => {
  it('is not found while results are not public, and for an unknown questionnaire', async () => {
    await t.db('questionnaires').where('slug', DEMO).update({ results_public: 'off' });
    const citizen = new Citizen(t.app);
    expect((await citizen.get(PUBLIC('en'))).status).toBe(404);
    await citizen.get('/en/');
    expect(citizen.html).not.toContain('Published results');
    expect((await citizen.get('/en/q/no-such-thing/results')).status).toBe(404);
    await t.db('questionnaires').where('slug', DEMO).update({ results_public: 'closed' });
  });

  it('public after closing: while open it says when, with no number, and the thank-you page links to it', async () => {
    const citizen = new Citizen(t.app);
    const res = await citizen.get(PUBLIC('en'));
    expect(res.status).toBe(200);
    expect(citizen.html).toContain('The results will be published here once answering has closed.');
    expect(citizen.html).not.toContain('<table');
    const answering = new Citizen(t.app);
    await completeDemo(answering, 'en');
    expect(answering.html).toContain('The results will be published once answering has closed.');
    expect(answering.html).toContain(`href="/en/q/${DEMO}/results"`);
  });

  it("once closed, it shows the same tables as the coordinators' page, in every language", async () => {
    await coordinator.get(PAGE);
    await coordinator.post(`${PAGE}/status`, { status: 'closed' });
    const citizen = new Citizen(t.app);
    expect((await citizen.get(PUBLIC('en'))).status).toBe(200);
    expect(citizen.html).toMatch(/Answering closed on \w+ \d+, \d{4}\./);
    await coordinator.get(RESULTS);
    const publicTables = tables(citizen.html);
    expect(publicTables.length).toBeGreaterThan(5);
    expect(publicTables).toEqual(tables(coordinator.html));
    // The same with a breakdown.
    await citizen.get(`${PUBLIC('en')}?by=$language`);
    await coordinator.get(`${RESULTS}?by=$language`);
    expect(tables(citizen.html)).toEqual(tables(coordinator.html));
    for (const lang of ['pl', 'ar', 'de']) {
      expect((await citizen.get(PUBLIC(lang))).status).toBe(200);
      expect(citizen.html).toContain(`lang="${lang}"`);
    }
    await citizen.get(PUBLIC('ar'));
    expect(citizen.html).toContain('dir="rtl"');
    // No free text, no export links, no coordinator navigation on the public page.
    expect(citizen.html).not.toContain('/admin/');
    // Citizens find them from the home page and from the questionnaire's own (closed) address.
    await citizen.get('/en/');
    expect(citizen.html).toContain('Published results');
    expect(citizen.html).toContain(`href="/en/q/${DEMO}/results"`);
    expect((await citizen.get(`/pl/q/${DEMO}`)).status).toBe(410);
    expect(citizen.html).toContain(`href="/pl/q/${DEMO}/results"`);
  });

  it('a language the questionnaire lacks gets a notice that links to the results in the others', async () => {
    const citizen = new Citizen(t.app);
    await citizen.get(PUBLIC('fi'));
    expect(citizen.html).toContain(`href="/en/q/${DEMO}/results"`);
  });

  it('bad breakdowns and query strings are 400 pages, never 500', async () => {
    const citizen = new Citizen(t.app);
    for (const query of ['?by=comments', '?by=a&by=b', '?other=1', `?by=${'x'.repeat(80)}`]) {
      const res = await citizen.get(`${PUBLIC('en')}${query}`);
      expect(res.status).toBe(400);
    }
  });

  it('public while answering goes on: the thank-you page links to the results so far', async () => {
    await coordinator.get(PAGE);
    await coordinator.post(`${PAGE}/status`, { status: 'open' });
    await coordinator.get(PAGE);
    await coordinator.post(`${PAGE}/results-settings`, { threshold: '12', public: 'live' });
    const answering = new Citizen(t.app);
    await completeDemo(answering, 'pl');
    expect(answering.html).toContain(`href="/pl/q/${DEMO}/results"`);
    const citizen = new Citizen(t.app);
    expect((await citizen.get(PUBLIC('en'))).status).toBe(200);
    expect(citizen.html).toContain('Answering is still open');
    expect(citizen.html).toContain('<table');
  });
});

describe('retention', () => {
  it('an administrator sets the period; bad values are refused with a translated error', async () => {
    await admin.get(PAGE);
    for (const days of ['0', '-3', 'a week', '36501']) {
      expect((await admin.post(`${PAGE}/retention`, { days })).status).toBe(400);
      expect(admin.html).toContain(
        'Enter a whole number of days from 1 to 36,500, or leave it empty.',
      );
    }
    expect((await admin.post(`${PAGE}/retention`, { days: '30' })).status).toBe(303);
    expect(await settings()).toMatchObject({ retention_days: 30 });
    expect(await t.db('audit_log').where('action', 'retention-settings').first()).toBeDefined();
  });

  it('keeps the answers of an open questionnaire, and of one closed for less than the period', async () => {
    const before = await responsesStored();
    expect(before).toBeGreaterThan(60);
    expect(await t.deps.results.applyRetention()).toBe(0);
    await t
      .db('questionnaires')
      .where('slug', DEMO)
      .update({ status: 'closed', closed_at: t.db.raw("now() - interval '29 days'") });
    expect(await t.deps.results.applyRetention()).toBe(0);
    expect(await responsesStored()).toBe(before);
    await admin.get(PAGE);
    expect(admin.html).toMatch(/deletion on \w+ \d+, \d{4}/);
  });

  it('deletes row-level answers once due; the protected results and exports stay the same', async () => {
    await coordinator.get(RESULTS);
    const before = tables(coordinator.html);
    const exportBefore = (await coordinator.agent.get(`${RESULTS}/export?format=json`)).text;
    const stored = await responsesStored();
    await t
      .db('questionnaires')
      .where('slug', DEMO)
      .update({ closed_at: t.db.raw("now() - interval '31 days'") });
    expect(await t.deps.results.applyRetention(7)).toBe(stored);
    expect(await responsesStored()).toBe(0);
    expect(await t.db('answers').count('* as n').first()).toEqual({ n: '0' });
    expect((await settings()).answers_deleted_at).not.toBeNull();
    await coordinator.get(RESULTS);
    expect(tables(coordinator.html)).toEqual(before);
    const exportAfter = (await coordinator.agent.get(`${RESULTS}/export?format=json`)).text;
    const strip = (s: string) => s.replace(/"(exported|generated)At":"[^"]*"/g, '');
    expect(strip(exportAfter)).toEqual(strip(exportBefore));
    await coordinator.get(PAGE);
    expect(coordinator.html).toMatch(/Deleted on \w+ \d+, \d{4}; the protected results remain\./);
    // The questionnaire still says how many answered, from the aggregates.
    const responsesRow = /Responses<\/dt><dd class="summary-list__value">([^<]*)</.exec(
      coordinator.html,
    );
    expect(responsesRow?.[1]).toMatch(/^\d[\d,]*$/);
    expect(Number(responsesRow![1]!.replace(/,/g, ''))).toBeGreaterThanOrEqual(60);
    // Nothing left to do the next time.
    expect(await t.deps.results.applyRetention()).toBe(0);
  });
});
