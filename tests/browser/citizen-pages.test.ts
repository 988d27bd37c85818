/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { describe, expect, it } from 'vitest';
import { vnu } from '../helpers/browser.js';
import { browserSuite } from '../helpers/browser-suite.js';
import { Citizen, DEMO, DEMO_ANSWERS } from '../helpers/citizen.js';
import { account, questionnaireFor } from '../helpers/coordinator.js';
import { button, fill, visitCitizenPages } from './visit.js';
import { auditPage, type PageAudit } from './audit.js';

const LANGS = ['en', 'pl', 'ar'];
const suite = browserSuite();
const audits: PageAudit[] = [];

describe.skipIf(!suite.enabled)('every citizen page, in English, Polish and Arabic', () => {
  it.each(LANGS)(
    '%s: axe finds no WCAG 2.2 AA violation and the structure rules hold',
    async (lang) => {
      const found: PageAudit[] = [];
      await visitCitizenPages(suite.browser, suite.app.baseUrl, lang, async (page, label) => {
        found.push(await auditPage(page, `${lang} ${label}`, lang));
      });
      audits.push(...found);
      expect(found.length).toBeGreaterThanOrEqual(17);
      const failures = found
        .filter((a) => a.axe.length > 0 || a.problems.length > 0)
        .map((a) => ({ page: a.label, axe: a.axe, problems: a.problems }));
      expect(failures).toEqual([]);
    },
  );

  it('closed questionnaire and the missing-language notice pass too', async () => {
    const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${suite.app.baseUrl}/sv/q/${DEMO}`);
    const notice = await auditPage(page, 'sv start (content in English)', 'sv');
    await suite.app.deps.questionnaireAdmin.setStatus(DEMO, 'closed');
    const closed: PageAudit[] = [];
    for (const lang of LANGS) {
      await page.goto(`${suite.app.baseUrl}/${lang}/q/${DEMO}`);
      closed.push(await auditPage(page, `${lang} closed questionnaire`, lang));
    }
    await suite.app.deps.questionnaireAdmin.setStatus(DEMO, 'open');
    await context.close();
    audits.push(notice, ...closed);
    const failures = [notice, ...closed].filter((a) => a.axe.length > 0 || a.problems.length > 0);
    expect(failures.map((a) => ({ page: a.label, axe: a.axe, problems: a.problems }))).toEqual([]);
  });

  it('an access-code questionnaire: its start page, a refused code, and a code used meanwhile', async () => {
    const { app, baseUrl, deps } = suite.app;
    const slug = 'pl-by-invitation';
    await questionnaireFor(deps, slug, 'PL', { mode: 'access-code' });
    const admin = await account(deps, 'browser-admin@example.org', 'admin');
    const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const found: PageAudit[] = [];
    for (const lang of LANGS) {
      await page.goto(`${baseUrl}/${lang}/q/${slug}`);
      found.push(await auditPage(page, `${lang} access-code start`, lang));
      await page.locator('#code').fill('K7QM-4XTR-9PHW-2CNA');
      await page.locator('form[action$="/start"] button').click();
      found.push(await auditPage(page, `${lang} access code refused`, lang));

      // Two drafts with one code: another person submits first, so this one is refused.
      const [code] = await deps.accessCodes.generate(admin, slug, 1);
      await page.locator('#code').fill(code!);
      await page.locator('form[action$="/start"] button').click();
      for (const answers of DEMO_ANSWERS) {
        await fill(page, answers);
        await button(page, 'next').click();
      }
      const other = new Citizen(app);
      await other.get(`/${lang}/q/${slug}`);
      await other.post(`/${lang}/q/${slug}/start`, { code: code! });
      for (const [i, fields] of DEMO_ANSWERS.entries())
        await other.answer(lang, i + 1, fields, 'next', slug);
      await other.get(`/${lang}/q/${slug}/check`);
      expect((await other.post(`/${lang}/q/${slug}/submit`)).status).toBe(303);
      await page.locator('form[action$="/submit"] button').click();
      found.push(await auditPage(page, `${lang} access code used meanwhile`, lang));
    }
    await context.close();
    audits.push(...found);
    const failures = found.filter((a) => a.axe.length > 0 || a.problems.length > 0);
    expect(failures.map((a) => ({ page: a.label, axe: a.axe, problems: a.problems }))).toEqual([]);
  });

  it('the W3C Nu HTML checker finds no error on any of these pages', async () => {
    expect(audits.length).toBeGreaterThan(50);
    const documents = Object.fromEntries(audits.map((a) => [a.label, a.html]));
    expect(await vnu(documents)).toEqual([]);
  });
});
