/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { vnu } from '../helpers/browser.js';
import { browserSuite } from '../helpers/browser-suite.js';
import { account, PASSWORD } from '../helpers/coordinator.js';
import { auditPage, type PageAudit } from './audit.js';

const LANGS = ['en', 'pl', 'ar'];
const suite = browserSuite();
const audits: PageAudit[] = [];

async function signIn(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/admin/sign-in`);
  await page.locator('#email').fill(email);
  await page.locator('#password').fill(PASSWORD);
  await page.locator('form[action="/admin/sign-in"] button').click();
  await page.waitForURL(/\/admin\/questionnaires/);
}

/** Every page of the coordinator area, as an administrator, in one language. */
async function visitAdminPages(lang: string): Promise<PageAudit[]> {
  const { app, browser } = suite;
  const found: PageAudit[] = [];
  const audit = async (page: Page, label: string) =>
    found.push(await auditPage(page, `${lang} admin ${label}`, lang));
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addCookies([{ name: 'consulta_lang', value: lang, url: app.baseUrl }]);
  const page = await context.newPage();
  const base = app.baseUrl;

  await page.goto(`${base}/admin/sign-in`);
  await audit(page, 'sign-in');
  await page.locator('#email').fill('nobody@example.org');
  await page.locator('#password').fill('wrong password here');
  await page.locator('form[action="/admin/sign-in"] button').click();
  await audit(page, 'sign-in with error');
  await signIn(page, base, `admin-${lang}@example.org`);
  await audit(page, 'questionnaires');
  await page.goto(`${base}/admin/questionnaires/genomic-data-sharing`);
  await audit(page, 'questionnaire');
  await page.goto(`${base}/admin/questionnaires/genomic-data-sharing/preview/${lang}`);
  await audit(page, 'preview start');
  await page.goto(`${base}/admin/questionnaires/genomic-data-sharing/preview/${lang}/2`);
  await audit(page, 'preview section 2');
  await page.goto(`${base}/admin/questionnaires/genomic-data-sharing/translations/import`);
  await audit(page, 'translations import');
  await page.goto(`${base}/admin/questionnaires/import`);
  await audit(page, 'import');
  await page.locator('#definition').setInputFiles({
    name: 'broken.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"schemaVersion": 2}'),
  });
  await page.locator('form[action^="/admin/questionnaires/import?"] button').click();
  await audit(page, 'import with errors');
  await page.goto(`${base}/admin/questionnaires/import`);
  await page.locator('#spreadsheet').setInputFiles({
    name: 'not-a-spreadsheet.xlsx',
    mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    buffer: Buffer.from('this is not a zip file'),
  });
  await page.locator('form[action^="/admin/questionnaires/import-xlsform?"] button').click();
  await audit(page, 'XLSForm import with errors');
  await page.goto(`${base}/admin/accounts`);
  await audit(page, 'accounts');
  await page.goto(`${base}/admin/accounts/new`);
  await audit(page, 'new account');
  await page.locator('form[action="/admin/accounts"] button[type=submit]').click();
  await audit(page, 'new account with errors');
  await page.locator('#email').fill(`coordinator-${lang}@example.pl`);
  await page.locator('#role-coordinator').check();
  await page.locator('#countries-PL').check();
  await page.locator('form[action="/admin/accounts"] button[type=submit]').click();
  await audit(page, 'account created');
  const link = (await page.locator('#invitation-link').textContent())?.trim() ?? '';
  await page.goto(`${base}/admin/password`);
  await audit(page, 'change password');
  await page.locator('form[action="/admin/password"] button').click();
  await audit(page, 'change password with errors');
  await page.goto(`${base}/admin/audit`);
  await audit(page, 'audit log');

  const invited = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await invited.addCookies([{ name: 'consulta_lang', value: lang, url: base }]);
  const other = await invited.newPage();
  await other.goto(link);
  await audit(other, 'set password');
  await other.goto(`${base}/admin/set-password/unknown-token`);
  await audit(other, 'set password, bad link');
  await invited.close();
  await context.close();
  return found;
}

describe.skipIf(!suite.enabled)('every coordinator page, in English, Polish and Arabic', () => {
  it.each(LANGS)(
    '%s: axe finds no WCAG 2.2 AA violation and the structure rules hold',
    async (lang) => {
      await account(suite.app.deps, `admin-${lang}@example.org`, 'admin');
      const found = await visitAdminPages(lang);
      audits.push(...found);
      expect(found.length).toBe(19);
      const failures = found
        .filter((a) => a.axe.length > 0 || a.problems.length > 0)
        .map((a) => ({ page: a.label, axe: a.axe, problems: a.problems }));
      expect(failures).toEqual([]);
    },
  );

  it('the W3C Nu HTML checker finds no error on any of these pages', async () => {
    expect(audits.length).toBe(57);
    expect(await vnu(Object.fromEntries(audits.map((a) => [a.label, a.html])))).toEqual([]);
  });
});
