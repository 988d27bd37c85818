/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { describe, expect, it } from 'vitest';
import { vnu } from '../helpers/browser.js';
import { browserSuite } from '../helpers/browser-suite.js';
import { DEMO } from '../helpers/citizen.js';
import { visitCitizenPages } from './visit.js';
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

  it('the W3C Nu HTML checker finds no error on any of these pages', async () => {
    expect(audits.length).toBeGreaterThan(50);
    const documents = Object.fromEntries(audits.map((a) => [a.label, a.html]));
    expect(await vnu(documents)).toEqual([]);
  });
});
