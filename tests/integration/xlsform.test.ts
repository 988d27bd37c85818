import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { Citizen } from '../helpers/citizen.js';
import { account, signedIn } from '../helpers/coordinator.js';

let t: TestApp;
let coordinator: Citizen;

beforeAll(async () => {
  t = await createTestApp();
  await account(t.deps, 'pl@example.org', 'coordinator', ['PL']);
  coordinator = await signedIn(t.app, 'pl@example.org');
});
afterAll(async () => t.close());

type Cell = ExcelJS.CellValue;
const LANGS = ['label::English (en)', 'label::Polski (pl)', 'label::Deutsch (de)'];

/** A genomic-data consultation as a KoboToolbox user would write it, in English, Polish and German. */
function genomicSurvey(): Cell[][] {
  const howOld: Cell = {
    richText: [{ text: 'How old ' }, { text: 'are you?', font: { bold: true } }],
  };
  return [
    ['type', 'name', ...LANGS, 'hint::English (en)', 'required', 'relevant', 'constraint'],
    ['start', 'start'],
    ['begin group', 'about_you', 'About you', 'O Tobie', 'Über Sie'],
    [
      'integer',
      'age',
      howOld,
      'Ile masz lat?',
      'Wie alt sind Sie?',
      '',
      'yes',
      '',
      '. >= 16 and . <= 120',
    ],
    [
      'select_one yes_no',
      'prior_test',
      'Have you ever had a genetic test?',
      'Czy miałeś(-aś) kiedyś badanie genetyczne?',
      'Hatten Sie schon einmal einen Gentest?',
      '',
      'yes',
    ],
    ['geopoint', 'location', 'Where are you?', 'Gdzie jesteś?', 'Wo sind Sie?'],
    ['end group'],
    [
      'begin_group',
      'sharing',
      'Sharing your data',
      'Udostępnianie danych',
      'Weitergabe Ihrer Daten',
    ],
    [
      'note',
      'sharing_intro',
      'The next questions are about de-identified genomic data.',
      'Kolejne pytania dotyczą zanonimizowanych danych genomowych.',
      'Die nächsten Fragen betreffen pseudonymisierte Genomdaten.',
    ],
    [
      'select_multiple recipients',
      'share_with',
      'Who would you share your data with?',
      'Komu udostępniłbyś(-abyś) swoje dane?',
      'Mit wem würden Sie Ihre Daten teilen?',
      'Choose all that apply',
    ],
    [
      'rank safeguards',
      'safeguards',
      'Rank these safeguards, most important first.',
      'Uszereguj te zabezpieczenia od najważniejszego.',
      'Ordnen Sie diese Schutzmaßnahmen, die wichtigste zuerst.',
    ],
    [
      'text',
      'test_experience',
      'How was your genetic test?',
      'Jak wyglądało Twoje badanie genetyczne?',
      'Wie war Ihr Gentest?',
      '',
      '',
      "${prior_test} = 'yes'",
    ],
    ['end_group'],
  ];
}

function genomicChoices(): Cell[][] {
  return [
    ['list_name', 'name', ...LANGS],
    ['yes_no', 'yes', 'Yes', 'Tak', 'Ja'],
    ['yes_no', 'no', 'No', 'Nie', 'Nein'],
    ['recipients', 'own_doctor', 'My own doctor', 'Mój lekarz', 'Meine Ärztin oder mein Arzt'],
    [
      'recipients',
      'public_hospitals',
      'Public hospitals',
      'Szpitale publiczne',
      'Öffentliche Krankenhäuser',
    ],
    ['recipients', 'universities', 'Universities', 'Uczelnie', 'Universitäten'],
    [
      'recipients',
      'pharma',
      'Pharmaceutical companies',
      'Firmy farmaceutyczne',
      'Pharmaunternehmen',
    ],
    [
      'safeguards',
      'oversight',
      'Independent oversight',
      'Niezależny nadzór',
      'Unabhängige Aufsicht',
    ],
    [
      'safeguards',
      'withdrawal',
      'The right to withdraw',
      'Prawo do wycofania zgody',
      'Das Recht auf Widerruf',
    ],
    [
      'safeguards',
      'sanctions',
      'Sanctions for misuse',
      'Sankcje za nadużycia',
      'Sanktionen bei Missbrauch',
    ],
  ];
}

function genomicSettings(): Cell[][] {
  return [
    [
      'form_id',
      'form_title::English (en)',
      'form_title::Polski (pl)',
      'form_title::Deutsch (de)',
      'default_language',
      'version',
    ],
    [
      'genomic-consultation-2026',
      'Sharing genomic data',
      'Udostępnianie danych genomowych',
      'Weitergabe von Genomdaten',
      'English (en)',
      2026031,
    ],
  ];
}

async function workbook(sheets: Record<string, Cell[][]>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of Object.entries(sheets)) book.addWorksheet(name).addRows(rows);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const FIELDS = {
  country: 'PL',
  purpose: 'We ask how you would like your genomic data to be shared.',
  organiser: 'The national genomics team',
};

/** Sends the XLSForm form of the import page, as the browser would. */
async function upload(file: Buffer, fields: Record<string, string> = FIELDS, name = 'form.xlsx') {
  await coordinator.get('/admin/questionnaires/import');
  let request = coordinator.agent.post(
    `/admin/questionnaires/import-xlsform?_csrf=${encodeURIComponent(coordinator.csrf)}`,
  );
  for (const [key, value] of Object.entries(fields)) request = request.field(key, value);
  const res = await request.attach('spreadsheet', file, name);
  coordinator.html = res.text ?? '';
  return res;
}

/** The report table of the page, as [sheet, row, text] rows. */
function reportOf(html: string): string[][] {
  const table =
    /<table class="table" id="xlsform-report">([\s\S]*?)<\/table>/.exec(html)?.[1] ?? '';
  return [
    ...table.matchAll(
      /<tr>\s*<td[^>]*>([^<]*)<\/td>\s*<td[^>]*>([^<]*)<\/td>\s*<td>([^<]*)<\/td>/g,
    ),
  ].map((m) => [m[1] as string, m[2] as string, m[3] as string]);
}

async function exported(slug: string) {
  await coordinator.get(`/admin/questionnaires/${slug}`);
  const res = await coordinator.post(`/admin/questionnaires/${slug}/export`);
  expect(res.status).toBe(200);
  return JSON.parse(res.text);
}

describe('importing an XLSForm spreadsheet', () => {
  it('the import page offers the spreadsheet form with the coordinator’s countries', async () => {
    const res = await coordinator.get('/admin/questionnaires/import');
    expect(res.status).toBe(200);
    expect(coordinator.html).toContain('Import an XLSForm spreadsheet');
    const options = [...coordinator.html.matchAll(/<option value="([A-Z]{2})"/g)].map((m) => m[1]);
    expect(options).toEqual(['PL']);
  });

  it('a multi-language form with groups and choices becomes a draft, with a report of what changed', async () => {
    const file = await workbook({
      survey: genomicSurvey(),
      choices: genomicChoices(),
      settings: genomicSettings(),
    });
    const res = await upload(file);
    expect(res.status).toBe(200);
    expect(coordinator.html).toContain('Saved as a draft');
    expect(coordinator.html).toContain('href="/admin/questionnaires/genomic-consultation-2026"');
    expect(reportOf(coordinator.html)).toEqual([
      ['survey', '2', expect.stringMatching(/^“start” \(start\) is not collected/)],
      ['survey', '4', expect.stringContaining('“age” has one band from 16 to 120')],
      ['survey', '6', 'The type “geopoint” of “location” is not supported: the row was skipped.'],
    ]);

    const doc = await exported('genomic-consultation-2026');
    expect(doc).toMatchObject({
      slug: 'genomic-consultation-2026',
      country: 'PL',
      languages: ['en', 'pl', 'de'],
      defaultLanguage: 'en',
      title: { en: 'Sharing genomic data', pl: 'Udostępnianie danych genomowych' },
      purpose: { en: FIELDS.purpose },
      organiser: { en: FIELDS.organiser },
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const sections = doc.sections as { key: string; title: object; questions: any[] }[];
    expect(sections.map((s) => s.key)).toEqual(['about_you', 'sharing']);
    expect(sections[1]?.title).toEqual({
      en: 'Sharing your data',
      pl: 'Udostępnianie danych',
      de: 'Weitergabe Ihrer Daten',
    });
    const questions = sections.flatMap((s) => s.questions);
    expect(questions.map((q) => [q.key, q.type])).toEqual([
      ['age', 'number'],
      ['prior_test', 'single-choice'],
      ['sharing_intro', 'info'],
      ['share_with', 'multi-choice'],
      ['safeguards', 'ranking'],
      ['test_experience', 'text'],
    ]);
    const [age, prior, , shareWith, safeguards, experience] = questions;
    expect(age).toMatchObject({
      text: { en: 'How old are you?', pl: 'Ile masz lat?', de: 'Wie alt sind Sie?' },
      required: true,
      min: 16,
      max: 120,
      bands: [{ key: 'all', min: 16, max: 120 }],
    });
    expect(prior.required).toBe(true);
    expect(prior.options.map((o: { key: string }) => o.key)).toEqual(['yes', 'no']);
    expect(shareWith.help).toEqual({ en: 'Choose all that apply' });
    expect(shareWith.options[3].label).toEqual({
      en: 'Pharmaceutical companies',
      pl: 'Firmy farmaceutyczne',
      de: 'Pharmaunternehmen',
    });
    expect(safeguards.options).toHaveLength(3);
    expect(experience.condition).toEqual({ question: 'prior_test', anyOf: ['yes'] });
    expect(JSON.stringify(doc)).not.toMatch(/start|location|geopoint/);

    const [audit] = await t
      .db('audit_log')
      .where({ action: 'questionnaire-import', target: 'genomic-consultation-2026' });
    expect(audit.details).toMatchObject({
      format: 'xlsform',
      formVersion: '2026031',
      reported: 3,
      version: 1,
    });
  });

  it('the draft is listed for the coordinator and its preview works in Polish', async () => {
    await coordinator.get('/admin/questionnaires');
    expect(coordinator.html).toContain('genomic-consultation-2026');
    const res = await coordinator.get(
      '/admin/questionnaires/genomic-consultation-2026/preview/pl/1',
    );
    expect(res.status).toBe(200);
    expect(coordinator.html).toContain('Ile masz lat?');
  });

  it('a form that does not make a valid questionnaire is refused with its problems and the report', async () => {
    const choices = genomicChoices().filter((row) => row[1] !== 'no');
    const file = await workbook({
      survey: genomicSurvey(),
      choices,
      settings: [genomicSettings()[0] as Cell[], ['pl-broken', 'Broken', 'Zepsute', 'Kaputt']],
    });
    const res = await upload(file);
    expect(res.status).toBe(400);
    expect(coordinator.html).toContain('The spreadsheet could not be imported');
    expect(coordinator.html).toContain('$.sections[0].questions[1].options');
    expect(reportOf(coordinator.html).map((r) => r[1])).toEqual(['2', '4', '6']);
    expect(await t.db('questionnaires').where('slug', 'pl-broken').first()).toBeUndefined();
  });
});

describe('spreadsheets that cannot be imported are refused with a clear reason', () => {
  const refused = async (res: { status: number }, message: string) => {
    expect(res.status).toBe(400);
    expect(coordinator.html).toContain('There is a problem');
    expect(coordinator.html).toContain(message);
  };

  it('a file that is not a spreadsheet', async () => {
    await refused(
      await upload(Buffer.from('type,name\ntext,q\n'), FIELDS, 'form.csv'),
      'The file must be an Excel spreadsheet (.xlsx)',
    );
  });

  it('a zip bomb: a small file that unpacks to far more than a form needs', async () => {
    const zip = new JSZip();
    zip.file('xl/worksheets/sheet1.xml', 'a'.repeat(40 * 1024 * 1024));
    const file = await zip.generateAsync({
      type: 'nodebuffer',
      compression: 'DEFLATE',
      compressionOptions: { level: 9 },
    });
    expect(file.length).toBeLessThan(200 * 1024);
    await refused(await upload(file), 'The file unpacks to more than 30 MB');
  });

  it('a zip bomb that lies about its size in its headers', async () => {
    const zip = new JSZip();
    zip.file('xl/worksheets/sheet1.xml', 'a'.repeat(40 * 1024 * 1024));
    const file = await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    // Declare 1 KB in the local header (offset 22) and the central directory (offset 24).
    for (const [signature, offset] of [
      [0x04034b50, 22],
      [0x02014b50, 24],
    ] as const) {
      for (let i = 0; i + 4 <= file.length; i += 1)
        if (file.readUInt32LE(i) === signature) file.writeUInt32LE(1024, i + offset);
    }
    await refused(await upload(file), 'The file unpacks to more than 30 MB');
  });

  it('a zip with a great many entries', async () => {
    const zip = new JSZip();
    for (let i = 0; i < 250; i += 1) zip.file(`part${i}.xml`, '<a/>');
    await refused(
      await upload(await zip.generateAsync({ type: 'nodebuffer' })),
      'The file holds more than 200 parts',
    );
  });

  it('a sheet with more rows than any form needs', async () => {
    const rows = Array.from({ length: 5001 }, (_, i) => ['text', `q${i}`, `Question ${i}`]);
    const file = await workbook({ survey: [['type', 'name', 'label'], ...rows] });
    await refused(await upload(file), 'The survey sheet has more than 5000 rows');
  });

  it('a spreadsheet without a survey sheet', async () => {
    const file = await workbook({ choices: genomicChoices(), settings: genomicSettings() });
    await refused(await upload(file), 'The spreadsheet has no sheet named survey');
  });

  it('a country the coordinator is not responsible for; nothing is stored', async () => {
    const file = await workbook({
      survey: genomicSurvey(),
      choices: genomicChoices(),
      settings: [genomicSettings()[0] as Cell[], ['de-consultation', 'German one']],
    });
    await refused(await upload(file, { ...FIELDS, country: 'DE' }), 'Choose one of your countries');
    expect(await t.db('questionnaires').where('slug', 'de-consultation').first()).toBeUndefined();
  });

  it('missing purpose and organiser, with the typed values kept', async () => {
    const file = await workbook({ survey: genomicSurvey(), choices: genomicChoices() });
    await refused(
      await upload(file, { country: 'PL', purpose: ' ', organiser: '' }),
      'Enter the purpose of the consultation',
    );
    expect(coordinator.html).toContain('Enter who runs the consultation');
    expect(coordinator.html).toContain('href="#purpose"');
  });
});
