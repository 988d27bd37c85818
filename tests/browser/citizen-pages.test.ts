/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  launchBrowser,
  startApp,
  vnu,
  type RunningApp,
} from '../helpers/browser.js';
import { DEMO, DEMO_ANSWERS, type Fields } from '../helpers/citizen.js';
import { auditPage, type PageAudit } from './audit.js';

const LANGS = ['en', 'pl', 'ar'];
const enabled = browserAvailable();
let app: RunningApp;
let browser: Browser;
const audits: PageAudit[] = [];

beforeAll(async () => {
  if (!enabled) return;
  app = await startApp();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function fill(page: Page, fields: Fields): Promise<void> {
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      const field = page.locator(`[name="${name}"]`).first();
      const tag = await field.evaluate((el) => `${el.tagName}:${(el as HTMLInputElement).type}`);
      if (tag.startsWith('SELECT')) await field.selectOption(v);
      else if (tag === 'INPUT:radio' || tag === 'INPUT:checkbox')
        await page.locator(`[name="${name}"][value="${v}"]`).check();
      else await field.fill(v);
    }
  }
}

const button = (page: Page, value: string) => page.locator(`button[name=action][value=${value}]`);

/** Visits every citizen page in one language, auditing each. */
async function visitAll(lang: string): Promise<PageAudit[]> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const found: PageAudit[] = [];
  const audit = async (label: string) =>
    found.push(await auditPage(page, `${lang} ${label}`, lang));
  const base = `${app.baseUrl}/${lang}`;

  await page.goto(`${base}/`);
  await audit('home');
  await page.goto(`${base}/q/${DEMO}`);
  await audit('start');
  await page.locator('form[action$="/start"] button').click();
  await audit('section 1');
  await button(page, 'next').click();
  await audit('section 1 with errors');
  for (const [i, answers] of DEMO_ANSWERS.entries()) {
    if (i > 0) await audit(`section ${i + 1}`);
    await fill(page, answers);
    await button(page, 'next').click();
  }
  await audit('check answers');
  await page.locator('form[action$="/submit"] button').click();
  await audit('thank you');
  const receipt = (await page.locator('#receipt-code').textContent())?.trim() ?? '';

  await page.goto(`${base}/q/${DEMO}`);
  await page.locator('form[action$="/start"] button').click();
  await button(page, 'save').click();
  await audit('saved for later');
  await page.goto(`${base}/q/${DEMO}/resume`);
  await audit('resume');
  await page.locator('#code').fill('nonsense');
  await page.locator('form[action$="/resume"] button').click();
  await audit('resume with error');

  await page.goto(`${base}/withdraw`);
  await audit('withdraw');
  await page.locator('#code').fill('AAAA-BBBB-CCCC-DDDD');
  await page.locator('form[action$="/withdraw"] button').click();
  await audit('withdraw with error');
  await page.locator('#code').fill(receipt);
  await page.locator('form[action$="/withdraw"] button').click();
  await audit('withdrawn');

  await page.goto(`${base}/accessibility`);
  await audit('accessibility statement');
  await page.goto(`${base}/q/no-such-consultation`);
  await audit('unknown questionnaire');
  await context.close();
  return found;
}

describe.skipIf(!enabled)('every citizen page, in English, Polish and Arabic', () => {
  it.each(LANGS)(
    '%s: axe finds no WCAG 2.2 AA violation and the structure rules hold',
    async (lang) => {
      const found = await visitAll(lang);
      audits.push(...found);
      expect(found.length).toBeGreaterThanOrEqual(17);
      const failures = found
        .filter((a) => a.axe.length > 0 || a.problems.length > 0)
        .map((a) => ({ page: a.label, axe: a.axe, problems: a.problems }));
      expect(failures).toEqual([]);
    },
  );

  it('closed questionnaire and the missing-language notice pass too', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}/sv/q/${DEMO}`);
    const notice = await auditPage(page, 'sv start (content in English)', 'sv');
    await app.deps.questionnaireAdmin.setStatus(DEMO, 'closed');
    const closed: PageAudit[] = [];
    for (const lang of LANGS) {
      await page.goto(`${app.baseUrl}/${lang}/q/${DEMO}`);
      closed.push(await auditPage(page, `${lang} closed questionnaire`, lang));
    }
    await app.deps.questionnaireAdmin.setStatus(DEMO, 'open');
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
