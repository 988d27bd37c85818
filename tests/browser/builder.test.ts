/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { vnu } from '../helpers/browser.js';
import { browserSuite } from '../helpers/browser-suite.js';
import { account, PASSWORD } from '../helpers/coordinator.js';
import { storedAnswers } from '../helpers/seed.js';
import { auditPage, type PageAudit } from './audit.js';

const suite = browserSuite();
const audits: PageAudit[] = [];
const SLUG = 'zaufanie-genomika';

async function contextIn(lang: string): Promise<BrowserContext> {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: 'consulta_lang', value: lang, url: suite.app.baseUrl }]);
  return context;
}

async function signIn(page: Page, email: string, password = PASSWORD): Promise<void> {
  await page.goto(`${suite.app.baseUrl}/admin/sign-in`);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(password);
  await page.locator('form[action="/admin/sign-in"] button').click();
  await page.waitForURL(/\/admin\/questionnaires/);
}

/** Fills builder fields by name: `text.pl` is the input named so. */
async function fill(page: Page, fields: Record<string, string>): Promise<void> {
  for (const [name, value] of Object.entries(fields))
    await page.locator(`[name="${name}"]`).fill(value);
}

async function save(page: Page): Promise<void> {
  await page.locator('main form[method="post"] .button-group button[type=submit]').first().click();
}

/** Picks a type in a section of the outline and opens the form of a new question. */
async function addQuestion(page: Page, section: string, type: string): Promise<void> {
  await page.locator(`#type-${section}`).selectOption(type);
  await page.locator(`form[action$="/sections/${section}/questions/new"] button`).click();
  await page.waitForURL(/questions\/new\?type=/);
}

const labels = (prefix: string, rows: [string, string, string][]) =>
  Object.fromEntries(
    rows.flatMap(([key, pl, en], i) => [
      [`${prefix}.${i}.key`, key],
      [`${prefix}.${i}.label.pl`, pl],
      [`${prefix}.${i}.label.en`, en],
    ]),
  );

describe.skipIf(!suite.enabled)(
  'a coordinator builds and publishes a questionnaire in the browser',
  () => {
    it('from a new account to a citizen’s answer, and another country never sees it', async () => {
      const { app } = suite;
      const base = app.baseUrl;
      await account(app.deps, 'root@example.org', 'admin');
      await account(app.deps, 'de@example.org', 'coordinator', ['DE']);

      // An administrator creates a coordinator for Poland.
      const adminContext = await contextIn('en');
      const admin = await adminContext.newPage();
      await signIn(admin, 'root@example.org');
      await admin.goto(`${base}/admin/accounts/new`);
      await admin.locator('#email').fill('koordynator@example.pl');
      await admin.locator('#role-coordinator').check();
      await admin.locator('#countries-PL').check();
      await admin.locator('form[action="/admin/accounts"] button[type=submit]').click();
      const invitation = ((await admin.locator('#invitation-link').textContent()) ?? '').trim();
      await adminContext.close();

      // The coordinator sets a password from the invitation and signs in, in Polish.
      const context = await contextIn('pl');
      const page = await context.newPage();
      await page.goto(invitation);
      await page.locator('#password').fill('zaufanie i przejrzystość 2027');
      await page.locator('#confirm').fill('zaufanie i przejrzystość 2027');
      await page.locator('main form button[type=submit]').click();
      await signIn(page, 'koordynator@example.pl', 'zaufanie i przejrzystość 2027');

      // Creates the questionnaire in Polish and English.
      await page.locator('a[href="/admin/questionnaires/new"]').click();
      audits.push(await auditPage(page, 'pl builder new questionnaire', 'pl'));
      await page.locator('#slug').fill(SLUG);
      await page.locator('#country').selectOption('PL');
      await page.locator('#languages-en').check();
      await page.locator('#defaultLanguage').selectOption('pl');
      await fill(page, {
        title: 'Zaufanie do badań genomicznych',
        purpose: 'Pytamy, komu ufasz i na co się zgadzasz.',
        organiser: 'Ministerstwo Zdrowia',
      });
      await page.locator('main form button[type=submit]').first().click();
      await page.waitForURL(/\/edit\?created=1/);
      audits.push(await auditPage(page, 'pl builder empty outline', 'pl'));

      // The English texts of the settings.
      await page.locator(`a[href="/admin/questionnaires/${SLUG}/settings"]`).click();
      await fill(page, {
        'title.en': 'Trust in genomic research',
        'purpose.en': 'We ask whom you trust and what you agree to.',
        'organiser.en': 'Ministry of Health',
      });
      audits.push(await auditPage(page, 'pl builder settings', 'pl'));
      await save(page);
      await page.waitForURL(/\/edit\?saved=1/);

      for (const [key, pl, en] of [
        ['zaufanie', 'Zaufanie i zgoda', 'Trust and consent'],
        ['o_tobie', 'O Tobie', 'About you'],
      ]) {
        await page.locator(`a[href="/admin/questionnaires/${SLUG}/sections/new"]`).click();
        await fill(page, {
          key: key as string,
          'title.pl': pl as string,
          'title.en': en as string,
        });
        await save(page);
        await page.waitForURL(/\/edit\?saved=1/);
      }

      // A likert-matrix, with one more statement added by the "add a row" button.
      await addQuestion(page, 'zaufanie', 'likert-matrix');
      audits.push(await auditPage(page, 'pl builder new likert-matrix', 'pl'));
      await fill(page, {
        key: 'trust_in',
        'text.pl': 'Na ile ufasz tym instytucjom?',
        'text.en': 'How much do you trust these institutions?',
        ...labels('rows', [
          ['doctor', 'Twój lekarz', 'Your doctor'],
          ['hospitals', 'Szpitale publiczne', 'Public hospitals'],
          ['pharma', 'Firmy farmaceutyczne', 'Pharmaceutical companies'],
        ]),
        ...labels('scale.points', [
          ['none', 'Wcale', 'Not at all'],
          ['little', 'Trochę', 'A little'],
          ['some', 'Raczej tak', 'Somewhat'],
          ['much', 'Bardzo', 'Very much'],
          ['full', 'Całkowicie', 'Completely'],
        ]),
      });
      await page.locator('#f-rows-add').click();
      await fill(
        page,
        labels('rows', [
          ['doctor', 'Twój lekarz', 'Your doctor'],
          ['hospitals', 'Szpitale publiczne', 'Public hospitals'],
          ['pharma', 'Firmy farmaceutyczne', 'Pharmaceutical companies'],
          ['government', 'Rząd', 'Government'],
        ]),
      );
      await page.locator('[name="required"]').check();
      await save(page);
      await page.waitForURL(/\/edit\?saved=1#q-trust_in/);

      // A consent-matrix with Data Use Ontology terms; the first try lacks a choice label.
      await addQuestion(page, 'zaufanie', 'consent-matrix');
      await fill(page, {
        key: 'consent_by_purpose',
        'text.pl': 'Na co zgadzasz się udostępnić swoje dane?',
        'text.en': 'What do you agree to share your data for?',
        ...labels('purposes', [
          ['own_care', 'Twoje leczenie', 'Your own care'],
          ['public_research', 'Badania publiczne', 'Public research'],
          ['commercial', 'Badania komercyjne', 'Commercial research'],
        ]),
        'purposes.1.duo': 'DUO:0000042',
        'purposes.2.duo': 'DUO:0000018',
        ...labels('choices', [
          ['opt_in', 'Tak', 'Yes'],
          ['opt_out', 'Tak, chyba że się wypiszę', 'Yes, unless I opt out'],
          ['never', 'Nigdy', 'Never'],
          ['unsure', 'Nie wiem', 'Not sure'],
        ]),
        'choices.3.label.en': '',
        'choices.3.label.pl': '',
      });
      await save(page);
      await expect.poll(() => page.title()).toMatch(/^Błąd:/);
      const summary = page.locator('[data-error-summary]');
      await expect.poll(() => summary.isVisible()).toBe(true);
      audits.push(await auditPage(page, 'pl builder consent-matrix with errors', 'pl'));
      await fill(page, { 'choices.3.label.pl': 'Nie wiem', 'choices.3.label.en': 'Not sure' });
      await save(page);
      await page.waitForURL(/\/edit\?saved=1#q-consent_by_purpose/);

      await addQuestion(page, 'zaufanie', 'single-choice');
      await fill(page, {
        key: 'prior_test',
        'text.pl': 'Czy miałeś kiedyś test genetyczny?',
        'text.en': 'Have you ever had a genetic test?',
        ...labels('options', [
          ['yes', 'Tak', 'Yes'],
          ['no', 'Nie', 'No'],
        ]),
      });
      await save(page);
      await page.waitForURL(/\/edit\?saved=1/);

      // A banded number, and a question shown only to those who had a test.
      await addQuestion(page, 'o_tobie', 'number');
      await fill(page, {
        key: 'age',
        'text.pl': 'Ile masz lat?',
        'text.en': 'How old are you?',
        min: '16',
        max: '120',
        'unit.pl': 'lat',
        'unit.en': 'years',
        'bands.0.key': 'age_16_34',
        'bands.0.min': '16',
        'bands.0.max': '34',
        'bands.1.key': 'age_35_64',
        'bands.1.min': '35',
        'bands.1.max': '64',
        'bands.2.key': 'age_65_plus',
        'bands.2.min': '65',
        'bands.2.max': '120',
      });
      await page.locator('[name="required"]').check();
      await page.locator('[name="dimension"]').check();
      await save(page);
      await page.waitForURL(/\/edit\?saved=1#q-age/);

      await addQuestion(page, 'o_tobie', 'text');
      await fill(page, {
        key: 'test_experience',
        'text.pl': 'Jak wspominasz ten test?',
        'text.en': 'How do you remember that test?',
        maxLength: '500',
      });
      await page.locator('#f-condition-question').selectOption('prior_test');
      await fill(page, { 'condition.values': 'yes' });
      audits.push(await auditPage(page, 'pl builder conditional question', 'pl'));
      await save(page);
      await page.waitForURL(/\/edit\?saved=1#q-test_experience/);
      audits.push(await auditPage(page, 'pl builder outline', 'pl'));

      // Preview in English, then publish: the first version opens at once.
      await page.goto(`${base}/admin/questionnaires/${SLUG}/preview/en/1`);
      expect(await page.locator('main').textContent()).toContain('Pharmaceutical companies');
      await page.goto(`${base}/admin/questionnaires/${SLUG}`);
      await page.locator(`form[action="/admin/questionnaires/${SLUG}/publish"] button`).click();
      await page.waitForURL(/published=1/);
      await context.close();

      // A citizen answers in Polish.
      const citizenContext = await suite.browser.newContext({
        viewport: { width: 390, height: 844 },
      });
      const citizen = await citizenContext.newPage();
      // Published questionnaires are cached for a second: the start page may need a reload.
      const start = citizen.locator('form[action$="/start"] button[type=submit]');
      await expect
        .poll(async () => {
          await citizen.goto(`${base}/pl/q/${SLUG}`);
          return start.count();
        })
        .toBe(1);
      await start.click();
      await citizen.waitForURL(/\/s\/1$/);
      for (const row of ['doctor', 'hospitals', 'pharma', 'government'])
        await citizen.locator(`input[name="trust_in.${row}"][value="much"]`).check();
      await citizen
        .locator('input[name="consent_by_purpose.public_research"][value="opt_in"]')
        .check();
      await citizen.locator('input[name="prior_test"][value="yes"]').check();
      await citizen.locator('button[name="action"][value="next"]').click();
      await citizen.waitForURL(/\/s\/2$/);
      await citizen.locator('input[name="age"]').fill('37');
      await citizen.locator('[name="test_experience"]').fill('Szybko i bez bólu.');
      await citizen.locator('button[name="action"][value="next"]').click();
      await citizen.waitForURL(/\/check$/);
      await citizen.locator('form[action$="/submit"] button[type=submit]').click();
      await citizen.waitForURL(/\/done/);
      expect(((await citizen.locator('#receipt-code').textContent()) ?? '').trim()).toMatch(
        /^[0-9A-Z-]{8,}$/,
      );
      await citizenContext.close();

      const stored = await storedAnswers(app.db)
        .join('questionnaires as q', 'q.id', 'answers.questionnaire_id')
        .where('q.slug', SLUG)
        .select('answers.question_key as question', 'answers.item', 'answers.value');
      expect(stored).toEqual(
        expect.arrayContaining([
          { question: 'age', item: '', value: 'age_35_64' },
          { question: 'trust_in', item: 'government', value: 'much' },
          { question: 'prior_test', item: '', value: 'yes' },
        ]),
      );

      // A coordinator for Germany neither sees nor opens it.
      const germanContext = await contextIn('de');
      const german = await germanContext.newPage();
      await signIn(german, 'de@example.org');
      expect(await german.locator('main').textContent()).not.toContain(SLUG);
      for (const path of ['', '/edit', '/preview/pl']) {
        const res = await german.goto(`${base}/admin/questionnaires/${SLUG}${path}`);
        expect(res?.status(), path).toBe(404);
      }
      await germanContext.close();
    });

    it('axe and the structure rules find nothing on the builder pages', () => {
      expect(audits.length).toBe(7);
      const failures = audits
        .filter((a) => a.axe.length > 0 || a.problems.length > 0)
        .map((a) => ({ page: a.label, axe: a.axe, problems: a.problems }));
      expect(failures).toEqual([]);
    });
  },
);

describe.skipIf(!suite.enabled)('the builder pages of every question type', () => {
  it.each(['en', 'ar'])('%s: axe, structure rules and the Nu HTML checker', async (lang) => {
    const { app } = suite;
    await account(app.deps, `builder-${lang}@example.org`, 'admin');
    const context = await contextIn(lang);
    const page = await context.newPage();
    await signIn(page, `builder-${lang}@example.org`);
    const demo = `${app.baseUrl}/admin/questionnaires/genomic-data-sharing`;
    const found: PageAudit[] = [];
    const visit = async (path: string, label: string) => {
      await page.goto(`${demo}${path}`);
      found.push(await auditPage(page, `${lang} builder ${label}`, lang));
    };
    await visit('/edit', 'outline');
    await visit('/settings', 'settings');
    await visit('/sections/consent', 'section');
    await visit('/sections/new', 'new section');
    for (const question of [
      'genomic_data_explained',
      'familiarity',
      'prior_test_consent',
      'willingness',
      'consent_by_purpose',
      'trust_measures',
      'measures_ranking',
      'age',
      'comments',
    ])
      await visit(`/questions/${question}`, question);
    await page.locator('[name="key"]').fill('Not a key');
    await save(page);
    found.push(await auditPage(page, `${lang} builder question with errors`, lang));
    await context.close();
    const failures = found
      .filter((a) => a.axe.length > 0 || a.problems.length > 0)
      .map((a) => ({ page: a.label, axe: a.axe, problems: a.problems }));
    expect(failures).toEqual([]);
    audits.push(...found);
  });

  it('the W3C Nu HTML checker finds no error on any builder page', async () => {
    expect(audits.length).toBe(7 + 2 * 14);
    expect(await vnu(Object.fromEntries(audits.map((a) => [a.label, a.html])))).toEqual([]);
  });
});
