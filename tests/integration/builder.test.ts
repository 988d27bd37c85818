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
});
