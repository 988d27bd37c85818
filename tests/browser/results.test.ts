import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { vnu } from '../helpers/browser.js';
import { browserSuite } from '../helpers/browser-suite.js';
import { Citizen, completeDemo, DEMO } from '../helpers/citizen.js';
import { account, PASSWORD } from '../helpers/coordinator.js';
import { auditPage, type PageAudit } from './audit.js';

const suite = browserSuite();
const audits: PageAudit[] = [];

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${suite.app.baseUrl}/admin/sign-in`);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form[action="/admin/sign-in"] button').click();
  await page.waitForURL(/\/admin\/questionnaires/);
}

describe.skipIf(!suite.enabled)('results pages', () => {
  it.each(['en', 'pl', 'ar'])('%s: axe and the structure rules find nothing', async (lang) => {
    const { app } = suite;
    if (lang === 'en') for (let i = 0; i < 12; i++) await completeDemo(new Citizen(app.app), 'pl');
    await account(app.deps, `results-${lang}@example.org`, 'admin');
    const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: 'consulta_lang', value: lang, url: app.baseUrl }]);
    const page = await context.newPage();
    await signIn(page, `results-${lang}@example.org`);
    const found: PageAudit[] = [];
    for (const by of ['', '$language', 'age']) {
      await page.goto(`${app.baseUrl}/admin/questionnaires/${DEMO}/results?by=${by}`);
      found.push(await auditPage(page, `${lang} results ${by || 'overall'}`, lang));
    }
    expect(await page.locator('table').count()).toBeGreaterThan(10);
    await context.close();
    const failures = found
      .filter((a) => a.axe.length > 0 || a.problems.length > 0)
      .map((a) => ({ page: a.label, axe: a.axe, problems: a.problems }));
    expect(failures).toEqual([]);
    audits.push(...found);
  });

  it('the public results pages, in English, Polish and Arabic, on a phone', async () => {
    const { app } = suite;
    const found: PageAudit[] = [];
    const context = await suite.browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    // Public after closing, while still open: the page says when.
    await app.db('questionnaires').where('slug', DEMO).update({ results_public: 'closed' });
    await page.goto(`${app.baseUrl}/ar/q/${DEMO}/results`);
    expect(await page.locator('table').count()).toBe(0);
    found.push(await auditPage(page, 'ar public results later', 'ar'));
    await app.db('questionnaires').where('slug', DEMO).update({ results_public: 'live' });
    for (const [lang, by] of [
      ['en', ''],
      ['pl', ''],
      ['ar', ''],
      ['ar', 'age'],
    ] as const) {
      await page.goto(`${app.baseUrl}/${lang}/q/${DEMO}/results?by=${by}`);
      found.push(await auditPage(page, `${lang} public results ${by || 'overall'}`, lang));
    }
    expect(await page.locator('table').count()).toBeGreaterThan(10);
    // The breakdown is chosen with the keyboard and a plain form.
    await page.goto(`${app.baseUrl}/ar/q/${DEMO}/results`);
    await page.locator('#by').selectOption('$language');
    await page.locator('form.filter button').press('Enter');
    await page.waitForURL(/by=%24language/);
    expect(await page.locator('html').getAttribute('dir')).toBe('rtl');
    await context.close();
    const failures = found
      .filter((a) => a.axe.length > 0 || a.problems.length > 0)
      .map((a) => ({ page: a.label, axe: a.axe, problems: a.problems }));
    expect(failures).toEqual([]);
    audits.push(...found);
  });

  it.each(['en', 'pl', 'ar'])(
    '%s: the free-text answers page passes axe and the structure rules',
    async (lang) => {
      const { app } = suite;
      const { country } = (await app.db('questionnaires').where('slug', DEMO).first('country')) as {
        country: string;
      };
      await account(app.deps, `texts-${lang}@example.org`, 'coordinator', [country]);
      const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
      await context.addCookies([{ name: 'consulta_lang', value: lang, url: app.baseUrl }]);
      const page = await context.newPage();
      await signIn(page, `texts-${lang}@example.org`);
      // The results page links to the texts; the twelve answers above are published by now.
      await page.goto(`${app.baseUrl}/admin/questionnaires/${DEMO}/results`);
      await page.locator(`a[href$="/results/texts/comments"]`).click();
      await page.waitForURL(/\/results\/texts\/comments$/);
      expect(await page.locator('.text-answers__item[dir="auto"]').count()).toBe(12);
      const found = [await auditPage(page, `${lang} free-text answers`, lang)];
      await context.close();
      const failures = found
        .filter((a) => a.axe.length > 0 || a.problems.length > 0)
        .map((a) => ({ page: a.label, axe: a.axe, problems: a.problems }));
      expect(failures).toEqual([]);
      audits.push(...found);
    },
  );

  it('the W3C Nu HTML checker finds no error on the results pages', async () => {
    expect(audits.length).toBe(17);
    expect(await vnu(Object.fromEntries(audits.map((a) => [a.label, a.html])))).toEqual([]);
  });
});
