import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATHS } from '../../src/paths.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen } from '../helpers/citizen.js';
import { account, signedIn } from '../helpers/coordinator.js';
import { DEMO_ANSWERS } from '../helpers/demo-answers.js';

let t: TestApp;
let coordinator: Citizen;
/** A copy of the demo definition with some top-level fields replaced; tests then edit it freely. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const demo = (fields: Record<string, unknown> = {}): any => ({
  ...JSON.parse(readFileSync(PATHS.demoQuestionnaire, 'utf8')),
  ...fields,
});

beforeAll(async () => {
  t = await createTestApp();
  await account(t.deps, 'pl@example.org', 'coordinator', ['PL']);
  coordinator = await signedIn(t.app, 'pl@example.org');
});
afterAll(async () => t.close());

/** Uploads a definition through the import form, as the browser would. */
async function upload(browser: Citizen, content: string | Buffer, csrf = true) {
  await browser.get('/admin/questionnaires/import');
  const query = csrf ? `?_csrf=${encodeURIComponent(browser.csrf)}` : '';
  const res = await browser.agent
    .post(`/admin/questionnaires/import${query}`)
    .attach('definition', Buffer.from(content), 'definition.json');
  browser.html = res.text ?? '';
  return res;
}

const versionsOf = async (slug: string) =>
  t
    .db('questionnaire_versions as v')
    .join('questionnaires as q', 'q.id', 'v.questionnaire_id')
    .where('q.slug', slug)
    .orderBy('v.version')
    .select('v.id', 'v.version', 'v.published_at');

describe('importing, publishing and versions', () => {
  it('an imported definition is a draft: listed for the coordinator, invisible to citizens', async () => {
    const res = await upload(coordinator, JSON.stringify(demo({ slug: 'pl-2027', country: 'PL' })));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/questionnaires/pl-2027?saved=1');
    await coordinator.get('/admin/questionnaires');
    expect(coordinator.html).toContain('pl-2027');
    expect((await request(t.app).get('/pl/q/pl-2027')).status).toBe(404);
    expect((await versionsOf('pl-2027'))[0]?.published_at).toBeNull();
  });

  it('a draft with a missing translation is kept, shown as incomplete, and cannot be published', async () => {
    const doc = demo({ slug: 'pl-incomplete', country: 'PL' });
    delete doc.sections[0].questions[1].text.pl;
    expect((await upload(coordinator, JSON.stringify(doc))).status).toBe(303);
    await coordinator.get('/admin/questionnaires/pl-incomplete');
    expect(coordinator.html).toContain('$.sections[0].questions[1].text');
    const res = await coordinator.post('/admin/questionnaires/pl-incomplete/publish');
    expect(res.status).toBe(400);
    expect(coordinator.html).toContain('Missing in: pl');
    expect((await request(t.app).get('/pl/q/pl-incomplete')).status).toBe(404);
  });

  it('publishing opens it to citizens, and their response points at the version they answered', async () => {
    await coordinator.get('/admin/questionnaires/pl-2027');
    expect((await coordinator.post('/admin/questionnaires/pl-2027/publish')).headers.location).toBe(
      '/admin/questionnaires/pl-2027?published=1',
    );
    const [v1] = await versionsOf('pl-2027');
    expect(v1?.published_at).not.toBeNull();
    const citizen = new Citizen(t.app);
    const began = await citizen.begin('pl', 'pl-2027');
    expect(began.headers.location).toBe('/pl/q/pl-2027/s/1');
    expect((await citizen.get('/pl/q/pl-2027/s/1')).status).toBe(200);
    expect((await t.db('questionnaires').where('slug', 'pl-2027').first()).status).toBe('open');
  });

  it('editing a published questionnaire creates a new draft version; answers keep their version', async () => {
    const started = new Citizen(t.app);
    await started.begin('en', 'pl-2027');
    const changed = demo({ slug: 'pl-2027', country: 'PL' });
    changed.title.en = 'Genomic data: version two';
    expect((await upload(coordinator, JSON.stringify(changed))).status).toBe(303);
    expect((await versionsOf('pl-2027')).map((v) => v.version)).toEqual([1, 2]);
    expect((await request(t.app).get('/en/q/pl-2027')).text).not.toContain('version two');
    // Every language's title changes with the English one, so no translation is left stale.
    for (const lang of ['en', 'de', 'fr', 'pl', 'ar'])
      changed.title[lang] = `Genomic data: version two, edited (${lang})`;
    await upload(coordinator, JSON.stringify(changed));
    expect((await versionsOf('pl-2027')).map((v) => v.version)).toEqual([1, 2]);

    await coordinator.get('/admin/questionnaires/pl-2027');
    await coordinator.post('/admin/questionnaires/pl-2027/publish');
    expect((await request(t.app).get('/en/q/pl-2027')).text).toContain('version two, edited (en)');

    const [v1, v2] = await versionsOf('pl-2027');
    // The citizen who started on version 1 finishes on version 1; a new one gets version 2.
    await completeDemoOn(started, 'pl-2027');
    await completeDemoOn(new Citizen(t.app), 'pl-2027', true);
    const versions = await t
      .db('responses')
      .join('questionnaires as q', 'q.id', 'responses.questionnaire_id')
      .where('q.slug', 'pl-2027')
      .pluck('version_id');
    expect(versions.sort()).toEqual([v1!.id, v2!.id].sort());
  });
});

async function completeDemoOn(citizen: Citizen, slug: string, begin = false) {
  if (begin) await citizen.begin('en', slug);
  for (const [i, fields] of DEMO_ANSWERS.entries())
    await citizen.answer('en', i + 1, fields, 'next', slug);
  await citizen.get(`/en/q/${slug}/check`);
  const res = await citizen.post(`/en/q/${slug}/submit`);
  expect(res.status).toBe(303);
}

describe('bad imports are refused with a clear reason', () => {
  it('not JSON', async () => {
    expect((await upload(coordinator, '{ not json')).status).toBe(400);
    expect(coordinator.html).toContain('not valid JSON');
  });

  it('schema and semantic errors, each with its JSON path', async () => {
    const doc = demo({ slug: 'pl-broken', country: 'PL' });
    doc.sections[1].questions[1].condition.question = 'age';
    expect((await upload(coordinator, JSON.stringify(doc))).status).toBe(400);
    expect(coordinator.html).toContain('$.sections[1].questions[1].condition');
    expect(coordinator.html).toContain('not in an earlier section');
  });

  it('a country the coordinator is not responsible for', async () => {
    expect(
      (await upload(coordinator, JSON.stringify(demo({ slug: 'de-thing', country: 'DE' })))).status,
    ).toBe(400);
    expect(coordinator.html).toContain(
      'Your account may not manage questionnaires of this country',
    );
  });

  it('a slug that belongs to another country is not taken over', async () => {
    expect((await upload(coordinator, JSON.stringify(demo({ country: 'PL' })))).status).toBe(400);
    expect(coordinator.html).toContain('already used by another questionnaire');
  });

  it('a file over 2 MB is refused with 413', async () => {
    expect((await upload(coordinator, Buffer.alloc(2 * 1024 * 1024 + 10, 32))).status).toBe(413);
  });

  it('an upload without the CSRF token is refused with 403', async () => {
    expect(
      (await upload(coordinator, JSON.stringify(demo({ slug: 'pl-csrf', country: 'PL' })), false))
        .status,
    ).toBe(403);
    expect(await t.db('questionnaires').where('slug', 'pl-csrf').first()).toBeUndefined();
  });
});

describe('duplicating', () => {
  it('copies the newest version as a new draft under a new identifier', async () => {
    await coordinator.get('/admin/questionnaires/pl-2027');
    const res = await coordinator.post('/admin/questionnaires/pl-2027/duplicate', {
      slug: 'pl-2028',
    });
    expect(res.headers.location).toBe('/admin/questionnaires/pl-2028?saved=1');
    await coordinator.get('/admin/questionnaires/pl-2028');
    expect(coordinator.html).toContain('version two, edited');
    const copy = await t.db('questionnaires').where('slug', 'pl-2028').first();
    expect(copy.status).toBe('draft');
  });

  it('refuses an identifier already in use, or malformed', async () => {
    await coordinator.get('/admin/questionnaires/pl-2027');
    expect(
      (await coordinator.post('/admin/questionnaires/pl-2027/duplicate', { slug: 'pl-2028' }))
        .status,
    ).toBe(400);
    expect(
      (await coordinator.post('/admin/questionnaires/pl-2027/duplicate', { slug: 'Not A Slug' }))
        .status,
    ).toBe(400);
    expect(coordinator.html).toContain('$.slug');
  });

  it('every step is in the audit log', async () => {
    const actions = await t.db('audit_log').where('actor_email', 'pl@example.org').pluck('action');
    expect(actions).toEqual(
      expect.arrayContaining([
        'questionnaire-import',
        'questionnaire-publish',
        'questionnaire-duplicate',
      ]),
    );
  });
});

describe('previewing', () => {
  it('shows the draft as a citizen sees it, in any of its languages, saving nothing', async () => {
    const doc = demo({ slug: 'pl-preview', country: 'PL' });
    doc.sections[0].title.pl = 'Tytuł szkicu';
    await upload(coordinator, JSON.stringify(doc));
    const drafts = async () => Number((await t.db('drafts').count('* as n').first())?.n);
    const draftsBefore = await drafts();
    const start = await coordinator.get('/admin/questionnaires/pl-preview/preview/pl');
    expect(start.status).toBe(200);
    expect(coordinator.html).toMatch(/<html lang="pl" dir="ltr">/);
    expect(coordinator.html).toContain('href="/admin/questionnaires/pl-preview/preview/pl/1"');
    await coordinator.get('/admin/questionnaires/pl-preview/preview/pl/1');
    expect(coordinator.html).toContain('Tytuł szkicu');
    expect(coordinator.html).toContain('name="familiarity"');
    await coordinator.get('/admin/questionnaires/pl-preview/preview/ar/2');
    expect(coordinator.html).toMatch(/<html lang="ar" dir="rtl">/);
    expect(coordinator.html).toContain('name="prior_test_consent"');
    expect(await drafts()).toBe(draftsBefore);
  });

  it('refuses a language the questionnaire lacks and a section that does not exist', async () => {
    expect((await coordinator.get('/admin/questionnaires/pl-preview/preview/sv')).status).toBe(404);
    expect((await coordinator.get('/admin/questionnaires/pl-preview/preview/pl/9')).status).toBe(
      404,
    );
  });
});

describe('scheduled opening and closing', () => {
  const statusOf = async (slug: string) => (await request(t.app).get(`/en/q/${slug}`)).status;

  it('a questionnaire published before its opening time opens by itself at that time', async () => {
    await upload(coordinator, JSON.stringify(demo({ slug: 'pl-scheduled', country: 'PL' })));
    await coordinator.get('/admin/questionnaires/pl-scheduled');
    const future = new Date(Date.now() + 3600_000).toISOString().slice(0, 16);
    const saved = await coordinator.post('/admin/questionnaires/pl-scheduled/schedule', {
      opensAt: future,
      closesAt: '',
    });
    expect(saved.headers.location).toBe('/admin/questionnaires/pl-scheduled?scheduled=1');
    await coordinator.get('/admin/questionnaires/pl-scheduled');
    await coordinator.post('/admin/questionnaires/pl-scheduled/publish');
    expect(await statusOf('pl-scheduled')).toBe(410);
    await t
      .db('questionnaires')
      .where('slug', 'pl-scheduled')
      .update({ opens_at: t.db.raw("now() - interval '1 second'") });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await statusOf('pl-scheduled')).toBe(200);
    expect(await t.deps.repositories.questionnaires.applySchedules()).toBeGreaterThan(0);
    expect((await t.db('questionnaires').where('slug', 'pl-scheduled').first()).status).toBe(
      'open',
    );
  });

  it('an open questionnaire closes by itself at its closing time', async () => {
    await t
      .db('questionnaires')
      .where('slug', 'pl-scheduled')
      .update({ closes_at: t.db.raw("now() - interval '1 second'") });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await statusOf('pl-scheduled')).toBe(410);
    await coordinator.get('/admin/questionnaires/pl-scheduled');
    expect(coordinator.html).toContain('tag--closed');
  });

  it('refuses a closing time before the opening time, and a malformed time', async () => {
    await coordinator.get('/admin/questionnaires/pl-scheduled');
    const res = await coordinator.post('/admin/questionnaires/pl-scheduled/schedule', {
      opensAt: '2027-02-01T10:00',
      closesAt: '2027-01-01T10:00',
    });
    expect(res.status).toBe(400);
    expect(coordinator.html).toContain('The closing time must come after the opening time');
    expect(coordinator.html).toContain('value="2027-02-01T10:00"');
    expect(
      (
        await coordinator.post('/admin/questionnaires/pl-scheduled/schedule', {
          opensAt: 'tomorrow',
          closesAt: '',
        })
      ).status,
    ).toBe(400);
    const actions = await t
      .db('audit_log')
      .where('action', 'questionnaire-schedule')
      .count('* as n')
      .first();
    expect(Number(actions?.n)).toBe(1);
  });
});

describe("the translators' round trip", () => {
  const csvOf = async (slug: string, lang: string) => {
    await coordinator.get(`/admin/questionnaires/${slug}`);
    const res = await coordinator.agent
      .post(`/admin/questionnaires/${slug}/translations/export`)
      .type('form')
      .send({ _csrf: coordinator.csrf, lang })
      .buffer(true)
      .parse((response, callback) => {
        let data = '';
        response.on('data', (chunk: Buffer) => (data += chunk.toString('utf8')));
        response.on('end', () => callback(null, data));
      });
    return { res, text: res.body as string };
  };

  async function importCsv(slug: string, lang: string, csv: string) {
    await coordinator.get(`/admin/questionnaires/${slug}/translations/import`);
    const res = await coordinator.agent
      .post(
        `/admin/questionnaires/${slug}/translations/import?_csrf=${encodeURIComponent(coordinator.csrf)}`,
      )
      .field('lang', lang)
      .attach('translations', Buffer.from(csv), 'texts.csv');
    coordinator.html = res.text;
    return res;
  }

  it('downloads every text with its source and translation, formula-safe, and records it', async () => {
    const doc = demo({ slug: 'pl-translate', country: 'PL' });
    doc.sections[0].title.pl = '=HYPERLINK("http://evil.example","kliknij")';
    delete doc.sections[0].questions[1].text.pl;
    await upload(coordinator, JSON.stringify(doc));
    const { res, text } = await csvOf('pl-translate', 'pl');
    expect(res.headers['content-type']).toContain('text/csv');
    expect(res.headers['content-disposition']).toContain('pl-translate-pl.csv');
    const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
    expect(lines[0]).toBe('path,source,translation');
    expect(text).toContain(`$.sections[0].title,`);
    expect(text).toContain(`"'=HYPERLINK(""http://evil.example"",""kliknij"")"`);
    expect(text).toMatch(/\$\.sections\[0\]\.questions\[1\]\.text,[^\n]*familiar[^\n]*,\r?\n/);
    expect((await t.db('audit_log').where('action', 'translations-export')).length).toBeGreaterThan(
      0,
    );
  });

  it('imports translations back into a draft and reports what changed', async () => {
    const csv = [
      'path,source,translation',
      '$.sections[0].questions[1].text,How familiar,Jak dobrze znasz genomikę?',
      '$.sections[0].title,x,"\'=HYPERLINK(""http://evil.example"",""kliknij"")"',
      '$.sections[1].title,x,',
      '$.nowhere.text,x,Coś',
    ].join('\n');
    const res = await importCsv('pl-translate', 'pl', csv);
    expect(res.status).toBe(200);
    expect(coordinator.html).toContain('Texts changed: 1');
    expect(coordinator.html).toContain('Texts already the same: 1');
    expect(coordinator.html).toContain('$.nowhere.text');
    const [row] = await t
      .db('questionnaire_versions as v')
      .join('questionnaires as q', 'q.id', 'v.questionnaire_id')
      .where('q.slug', 'pl-translate')
      .orderBy('v.version', 'desc')
      .select('v.definition');
    expect(row.definition.sections[0].questions[1].text.pl).toBe('Jak dobrze znasz genomikę?');
    expect(row.definition.sections[0].title.pl).toBe('=HYPERLINK("http://evil.example","kliknij")');
    expect(row.definition.sections[1].title.pl).toBeTruthy();
    await coordinator.get('/admin/questionnaires/pl-translate');
    expect(coordinator.html).not.toContain('$.sections[0].questions[1].text');
  });

  it('refuses a file that is not a translations CSV, and a language the questionnaire lacks', async () => {
    expect((await importCsv('pl-translate', 'pl', 'name,value\nx,y')).status).toBe(400);
    expect((await importCsv('pl-translate', 'sv', 'path,source,translation\n')).status).toBe(400);
  });
});

describe('stale translations block publishing', () => {
  it('editing a source text marks its translations stale until they are updated', async () => {
    await upload(coordinator, JSON.stringify(demo({ slug: 'pl-stale', country: 'PL' })));
    await coordinator.get('/admin/questionnaires/pl-stale');
    await coordinator.post('/admin/questionnaires/pl-stale/publish');
    const edited = demo({ slug: 'pl-stale', country: 'PL' });
    edited.sections[0].title.en = 'Genomics, rewritten';
    await upload(coordinator, JSON.stringify(edited));
    await coordinator.get('/admin/questionnaires/pl-stale');
    expect(coordinator.html).toContain('Out of date');
    const refused = await coordinator.post('/admin/questionnaires/pl-stale/publish');
    expect(refused.status).toBe(400);
    expect(coordinator.html).toContain('The pl translation is older than its source text');

    for (const lang of ['de', 'fr', 'pl', 'ar'])
      edited.sections[0].title[lang] = `${edited.sections[0].title[lang]} (2)`;
    await upload(coordinator, JSON.stringify(edited));
    await coordinator.get('/admin/questionnaires/pl-stale');
    expect((await coordinator.post('/admin/questionnaires/pl-stale/publish')).status).toBe(303);
  });
});
