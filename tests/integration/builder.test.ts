import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { Citizen } from '../helpers/citizen.js';
import { account, signedIn } from '../helpers/coordinator.js';

let t: TestApp;
let coordinator: Citizen;

beforeAll(async () => {
  t = await createTestApp();
  await account(t.deps, 'pl@example.org', 'coordinator', ['PL']);
  await account(t.deps, 'de@example.org', 'coordinator', ['DE']);
  await account(t.deps, 'analyst@example.org', 'analyst', ['PL']);
  coordinator = await signedIn(t.app, 'pl@example.org');
});
afterAll(async () => t.close());

const Q = '/admin/questionnaires/zaufanie';

/** The stored newest definition of a questionnaire. */
async function draft(slug = 'zaufanie') {
  const [row] = await t.deps.repositories.questionnaires.overviews(slug);
  if (!row) throw new Error(`no questionnaire ${slug}`);
  return row.latest.definition;
}

const auditActions = async () =>
  (await t.db('audit_log').select('action', 'details').orderBy('id')) as {
    action: string;
    details: Record<string, unknown>;
  }[];

async function create() {
  await coordinator.get('/admin/questionnaires/new');
  return coordinator.post('/admin/questionnaires/new', {
    slug: 'zaufanie',
    country: 'PL',
    languages: ['pl', 'en'],
    defaultLanguage: 'pl',
    mode: 'open',
    title: 'Zaufanie do badań genomicznych',
    purpose: 'Pytamy, komu ufasz.',
    organiser: 'Ministerstwo Zdrowia',
  });
}

async function addSection(key: string, pl: string, en: string) {
  await coordinator.get(`${Q}/sections/new`);
  return coordinator.post(`${Q}/sections/new`, { key, 'title.pl': pl, 'title.en': en });
}

describe('building a questionnaire without JSON', () => {
  it('creates an empty draft from the settings form and shows its outline', async () => {
    const res = await create();
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${Q}/edit?created=1`);
    const doc = await draft();
    expect(doc).toMatchObject({
      slug: 'zaufanie',
      country: 'PL',
      languages: ['pl', 'en'],
      defaultLanguage: 'pl',
      title: { pl: 'Zaufanie do badań genomicznych' },
      sections: [],
    });
    const outline = await coordinator.get(`${Q}/edit?created=1`);
    expect(outline.status).toBe(200);
    expect(coordinator.html).toContain('There are no sections yet');
    expect((await auditActions()).map((a) => a.action)).toContain('questionnaire-create');
  });

  it('adds sections and a likert-matrix question with texts in both languages', async () => {
    expect((await addSection('trust', 'Zaufanie', 'Trust')).status).toBe(303);
    expect((await addSection('about', 'O Tobie', 'About you')).status).toBe(303);
    await coordinator.get(`${Q}/sections/trust/questions/new?type=likert-matrix`);
    expect(coordinator.html).toContain('name="rows.2.label.en"');
    const res = await coordinator.post(`${Q}/sections/trust/questions/new`, {
      type: 'likert-matrix',
      key: 'trust_in',
      'text.pl': 'Na ile ufasz tym instytucjom?',
      'text.en': 'How much do you trust these institutions?',
      required: 'on',
      'rows.0.key': 'doctor',
      'rows.0.label.pl': 'Lekarz',
      'rows.0.label.en': 'Doctor',
      'rows.1.key': 'pharma',
      'rows.1.label.pl': 'Firmy farmaceutyczne',
      'rows.1.label.en': 'Pharmaceutical companies',
      'rows.2.key': '',
      'scale.points.0.key': 'low',
      'scale.points.0.label.pl': 'Nisko',
      'scale.points.0.label.en': 'Low',
      'scale.points.1.key': 'high',
      'scale.points.1.label.pl': 'Wysoko',
      'scale.points.1.label.en': 'High',
      'scale.dontKnow.key': 'dk',
      'scale.dontKnow.label.pl': 'Nie wiem',
      'scale.dontKnow.label.en': "Don't know",
    });
    expect(res.status).toBe(303);
    const doc = await draft();
    expect(doc.sections[0]?.questions[0]).toEqual({
      type: 'likert-matrix',
      key: 'trust_in',
      text: {
        pl: 'Na ile ufasz tym instytucjom?',
        en: 'How much do you trust these institutions?',
      },
      required: true,
      dimension: false,
      rows: [
        { key: 'doctor', label: { pl: 'Lekarz', en: 'Doctor' } },
        { key: 'pharma', label: { pl: 'Firmy farmaceutyczne', en: 'Pharmaceutical companies' } },
      ],
      scale: {
        points: [
          { key: 'low', label: { pl: 'Nisko', en: 'Low' } },
          { key: 'high', label: { pl: 'Wysoko', en: 'High' } },
        ],
        dontKnow: { key: 'dk', label: { pl: 'Nie wiem', en: "Don't know" } },
      },
    });
  });

  it('refuses a question with problems and shows them beside the fields, keeping what was typed', async () => {
    await coordinator.get(`${Q}/sections/about/questions/new?type=number`);
    const res = await coordinator.post(`${Q}/sections/about/questions/new`, {
      type: 'number',
      key: 'Age!',
      'text.pl': 'Ile masz lat?',
      min: '16',
      max: '120',
      'bands.0.key': 'young',
      'bands.0.min': '16',
      'bands.0.max': '30',
      'bands.1.key': 'old',
      'bands.1.min': '40',
      'bands.1.max': '120',
    });
    expect(res.status).toBe(400);
    expect(coordinator.html).toContain('Error:');
    expect(coordinator.html).toContain(
      'Use lower-case letters, digits and _, starting with a letter',
    );
    expect(coordinator.html).toContain('value="Age!"');
    expect((await draft()).sections[1]?.questions).toEqual([]);
  });

  it('"add a row" shows one more blank row and saves nothing', async () => {
    await coordinator.get(`${Q}/sections/about/questions/new?type=consent-matrix`);
    const before = await auditActions();
    const res = await coordinator.post(`${Q}/sections/about/questions/new`, {
      type: 'consent-matrix',
      key: 'consent',
      'purposes.0.key': 'research',
      'purposes.1.key': '',
      'purposes.2.key': '',
      _action: 'add:purposes',
    });
    expect(res.status).toBe(200);
    expect(coordinator.html).toContain('name="purposes.3.key"');
    expect(coordinator.html).toContain('value="research"');
    expect(await auditActions()).toEqual(before);
  });

  it('adds a consent-matrix with DUO terms and a question shown on a condition', async () => {
    await coordinator.get(`${Q}/sections/about/questions/new?type=consent-matrix`);
    const consent = await coordinator.post(`${Q}/sections/about/questions/new`, {
      type: 'consent-matrix',
      key: 'consent',
      'text.pl': 'Na co się zgadzasz?',
      'text.en': 'What do you agree to?',
      'purposes.0.key': 'research',
      'purposes.0.label.pl': 'Badania',
      'purposes.0.label.en': 'Research',
      'purposes.0.duo': 'DUO:0000042',
      'choices.0.key': 'opt_in',
      'choices.0.label.pl': 'Tak',
      'choices.0.label.en': 'Yes',
      'choices.1.key': 'never',
      'choices.1.label.pl': 'Nigdy',
      'choices.1.label.en': 'Never',
    });
    expect(consent.status).toBe(303);
    const question = (await draft()).sections[1]?.questions[0];
    expect(question).toMatchObject({
      type: 'consent-matrix',
      purposes: [{ key: 'research', duo: 'DUO:0000042' }],
    });

    await coordinator.get(`${Q}/sections/about/questions/new?type=text`);
    expect(coordinator.html).toContain('<option value="trust_in">');
    const conditional = await coordinator.post(`${Q}/sections/about/questions/new`, {
      type: 'text',
      key: 'why_not',
      'text.pl': 'Dlaczego nie ufasz firmom?',
      'text.en': 'Why do you not trust companies?',
      maxLength: '300',
      'condition.question': 'trust_in',
      'condition.item': 'pharma',
      'condition.mode': 'anyOf',
      'condition.values': 'low',
    });
    expect(conditional.status).toBe(303);
    expect((await draft()).sections[1]?.questions[1]?.condition).toEqual({
      question: 'trust_in',
      item: 'pharma',
      anyOf: ['low'],
    });
  });

  it('a refused deletion is explained in the coordinator’s language and changes nothing', async () => {
    const polish = await signedIn(t.app, 'pl@example.org');
    await polish.get('/pl/');
    await polish.get(`${Q}/edit`);
    const res = await polish.post(`${Q}/questions/trust_in/delete`);
    expect(res.status).toBe(400);
    expect(polish.html).toContain('lang="pl"');
    expect(polish.html).not.toContain('There is no question');
    expect((await draft()).sections[0]?.questions.map((q) => q.key)).toEqual(['trust_in']);
  });

  it('moves a question down into the next section and back', async () => {
    await coordinator.get(`${Q}/edit`);
    const down = await coordinator.post(`${Q}/questions/trust_in/move`, { direction: 'down' });
    // why_not tests trust_in, which would now sit in the same section: refused.
    expect(down.status).toBe(400);
    await coordinator.post(`${Q}/questions/why_not/delete`);
    const moved = await coordinator.post(`${Q}/questions/trust_in/move`, { direction: 'down' });
    expect(moved.status).toBe(303);
    expect((await draft()).sections.map((s) => s.questions.map((q) => q.key))).toEqual([
      [],
      ['trust_in', 'consent'],
    ]);
    await coordinator.post(`${Q}/questions/trust_in/move`, { direction: 'up' });
    expect((await draft()).sections.map((s) => s.questions.map((q) => q.key))).toEqual([
      ['trust_in'],
      ['consent'],
    ]);
  });

  it('texts are shown escaped: a coordinator’s markup never runs', async () => {
    await coordinator.get(`${Q}/sections/trust`);
    const res = await coordinator.post(`${Q}/sections/trust`, {
      key: 'trust',
      'title.pl': '<script>alert(1)</script>Zaufanie',
      'title.en': 'Trust',
    });
    expect(res.status).toBe(303);
    for (const page of [`${Q}/sections/trust`, `${Q}/preview/pl/1`]) {
      await coordinator.get(page);
      expect(coordinator.html, page).not.toContain('<script>alert(1)</script>');
      expect(coordinator.html, page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;Zaufanie');
    }
  });

  it('odd field names or NUL bytes are a 400 and change nothing', async () => {
    await coordinator.get(`${Q}/sections/trust`);
    const before = await draft();
    expect((await coordinator.post(`${Q}/sections/trust`, { 'key[0]': 'x' })).status).toBe(400);
    expect((await coordinator.post(`${Q}/sections/trust`, { key: 'a\u0000b' })).status).toBe(400);
    expect(await draft()).toEqual(before);
  });

  it('an edit of a published questionnaire becomes a new draft; answers keep their version', async () => {
    await coordinator.get(`${Q}/settings`);
    const settings = await coordinator.post(`${Q}/settings`, {
      country: 'PL',
      languages: ['pl', 'en'],
      defaultLanguage: 'pl',
      mode: 'open',
      'title.pl': 'Zaufanie do badań genomicznych',
      'title.en': 'Trust in genomic research',
      'purpose.pl': 'Pytamy, komu ufasz.',
      'purpose.en': 'We ask whom you trust.',
      'organiser.pl': 'Ministerstwo Zdrowia',
      'organiser.en': 'Ministry of Health',
    });
    expect(settings.status).toBe(303);
    // The Polish title changed in the test above: its English translation is stale until updated.
    await coordinator.get(Q);
    expect((await coordinator.post(`${Q}/publish`)).status).toBe(400);
    expect(coordinator.html).toContain('The en translation is older than its source text');
    await coordinator.get(`${Q}/sections/trust`);
    await coordinator.post(`${Q}/sections/trust`, {
      key: 'trust',
      'title.pl': 'Zaufanie',
      'title.en': 'Trust in institutions',
    });
    await coordinator.get(Q);
    const publish = await coordinator.post(`${Q}/publish`);
    expect(publish.status).toBe(303);
    const versions = async () =>
      (await t
        .db('questionnaire_versions as v')
        .join('questionnaires as q', 'q.id', 'v.questionnaire_id')
        .where('q.slug', 'zaufanie')
        .orderBy('v.version')
        .select('v.version', 'v.published_at')) as { version: number; published_at: Date | null }[];
    expect((await versions()).map((v) => v.version)).toEqual([1]);
    await coordinator.get(`${Q}/sections/about`);
    const res = await coordinator.post(`${Q}/sections/about`, {
      key: 'about',
      'title.pl': 'O Tobie i Twojej rodzinie',
      'title.en': 'About you and your family',
    });
    expect(res.status).toBe(303);
    const after = await versions();
    expect(after.map((v) => v.version)).toEqual([1, 2]);
    expect(after[0]?.published_at).not.toBeNull();
    expect(after[1]?.published_at).toBeNull();
    expect((await auditActions()).at(-1)).toMatchObject({
      action: 'questionnaire-edit',
      details: { change: 'section-edit', key: 'about', version: 2 },
    });
  });

  it('a German coordinator cannot open the builder of a Polish questionnaire; an analyst cannot build', async () => {
    const german = await signedIn(t.app, 'de@example.org');
    expect((await german.get(`${Q}/edit`)).status).toBe(404);
    expect((await german.get(`${Q}/questions/trust_in`)).status).toBe(404);
    const analyst = await signedIn(t.app, 'analyst@example.org');
    expect((await analyst.get(`${Q}/edit`)).status).toBe(403);
    await german.get('/admin/questionnaires/new');
    const res = await german.post('/admin/questionnaires/new', {
      slug: 'niemcy',
      country: 'PL',
      languages: 'de',
      defaultLanguage: 'de',
      mode: 'open',
      title: 'Titel',
      purpose: 'Zweck',
      organiser: 'BMG',
    });
    expect(res.status).toBe(400);
    expect(await t.db('questionnaires').where('slug', 'niemcy').first()).toBeUndefined();
  });

  it('an address the coordinator area uses for its own pages is refused, also when duplicating', async () => {
    await coordinator.get('/admin/questionnaires/new');
    const res = await coordinator.post('/admin/questionnaires/new', {
      slug: 'import',
      country: 'PL',
      languages: 'pl',
      defaultLanguage: 'pl',
      mode: 'open',
      title: 'Tytuł',
      purpose: 'Cel',
      organiser: 'Organizator',
    });
    expect(res.status).toBe(400);
    expect(coordinator.html).toContain('This address name is used by the coordinator area');
    await coordinator.get(Q);
    expect((await coordinator.post(`${Q}/duplicate`, { slug: 'new' })).status).toBe(400);
    expect(await t.db('questionnaires').whereIn('slug', ['import', 'new']).first()).toBeUndefined();
  });
});
