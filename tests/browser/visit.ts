/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Browser, Page } from 'playwright-core';
import { DEMO, DEMO_ANSWERS, type Fields } from '../helpers/demo-answers.js';

/** Fills in a section's fields as a person would: selects, radios, checkboxes and text. */
export async function fill(page: Page, fields: Fields): Promise<void> {
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

export const button = (page: Page, value: string) =>
  page.locator(`button[name=action][value=${value}]`);

/**
 * Walks through every citizen page of the demo in one language, calling `visit` on each: the
 * start, every section, the error state, check answers, thank you, save and resume, withdrawal,
 * the accessibility statement and an unknown questionnaire.
 */
export async function visitCitizenPages(
  browser: Browser,
  baseUrl: string,
  lang: string,
  visit: (page: Page, label: string) => Promise<void>,
): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const audit = (label: string) => visit(page, label);
  const base = `${baseUrl}/${lang}`;

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
}
