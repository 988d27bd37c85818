/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import type { Page } from 'playwright-core';
import { axe, type AxeFinding } from '../helpers/browser.js';

export interface PageAudit {
  label: string;
  axe: AxeFinding[];
  problems: string[];
  html: string;
}

/** Structural rules axe does not check (issue #3, item 4), evaluated in the page. */
async function structure(page: Page, lang: string, dir: string): Promise<string[]> {
  return page.evaluate(
    ({ lang, dir }) => {
      const problems: string[] = [];
      const html = document.documentElement;
      if (html.lang !== lang) problems.push(`<html lang="${html.lang}">, expected ${lang}`);
      if (html.dir !== dir) problems.push(`<html dir="${html.dir}">, expected ${dir}`);
      const text = (el: Element | null | undefined) =>
        (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
      for (const input of document.querySelectorAll<HTMLInputElement>(
        'input[type=radio], input[type=checkbox]',
      )) {
        const fieldset = input.closest('fieldset');
        const legend = fieldset?.querySelector(':scope > legend');
        if (!fieldset || !text(legend))
          problems.push(`${input.name}=${input.value} is not in a fieldset with a legend`);
      }
      const fields = document.querySelectorAll<HTMLInputElement>(
        'input:not([type=hidden]):not([type=submit]), select, textarea',
      );
      for (const field of fields) {
        const labels = field.labels ? field.labels.length : 0;
        if (labels !== 1) problems.push(`${field.name || field.id} has ${labels} labels`);
      }
      for (const table of document.querySelectorAll<HTMLTableElement>('table')) {
        if (!text(table.caption)) problems.push('a table has no caption');
        for (const th of table.querySelectorAll('th')) {
          if (!['col', 'row'].includes(th.getAttribute('scope') ?? ''))
            problems.push(`th "${text(th)}" has no scope`);
        }
        const headers = [...table.querySelectorAll('thead th')].map(text);
        for (const row of table.querySelectorAll('tbody tr')) {
          const statement = text(row.querySelector('th[scope=row] span'));
          row.querySelectorAll<HTMLInputElement>('input[type=radio]').forEach((radio, i) => {
            const name = text(radio.labels?.[0]);
            const point = headers[i + 1] ?? '';
            if (!name.includes(statement) || !name.includes(point)) {
              problems.push(
                `radio ${radio.id} is named "${name}", not statement "${statement}" + point "${point}"`,
              );
            }
          });
        }
      }
      return problems;
    },
    { lang, dir },
  );
}

/** The page must not scroll sideways at 320 px (WCAG 1.4.10 reflow). */
async function reflow(page: Page): Promise<string[]> {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 320, height: 800 });
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  if (size) await page.setViewportSize(size);
  return width > 320 ? [`at 320 px the page is ${width} px wide`] : [];
}

/** Each of the first tab stops shows a visible focus indicator. */
async function focusVisible(page: Page, stops = 8): Promise<string[]> {
  const problems: string[] = [];
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.locator('body').focus();
  for (let i = 0; i < stops; i++) {
    await page.keyboard.press('Tab');
    const result = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const outline =
        style.outlineStyle !== 'none' &&
        parseFloat(style.outlineWidth) > 0 &&
        !/rgba\(\d+, \d+, \d+, 0\)|transparent/.test(style.outlineColor);
      const shadow = style.boxShadow !== 'none';
      // The focus colour of the design system (yellow #ffdd00) as a background counts too.
      const highlighted = style.backgroundColor === 'rgb(255, 221, 0)';
      return {
        visible: outline || shadow || highlighted,
        what: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent ?? '').trim().slice(0, 30)}"`,
      };
    });
    if (!result) break;
    if (!result.visible) problems.push(`no visible focus on ${result.what}`);
  }
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  return problems;
}

/** axe, structure, reflow and focus checks of the page as it is now, plus its HTML for vnu. */
export async function auditPage(page: Page, label: string, lang: string): Promise<PageAudit> {
  const dir = lang === 'ar' ? 'rtl' : 'ltr';
  const html = await page.content();
  const findings = await axe(page, label);
  const problems = [
    ...(await structure(page, lang, dir)),
    ...(await reflow(page)),
    ...(await focusVisible(page)),
  ];
  return {
    label,
    axe: findings,
    problems,
    html: `<!DOCTYPE html>\n${html.replace(/^<!DOCTYPE html>\s*/i, '')}`,
  };
}
