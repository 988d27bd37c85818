/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/*
 * Keyboard-only journeys, as a screen-reader user makes them: every control is found by its
 * accessible role and name (the questionnaire's texts and the UI strings of the language under
 * test) and operated only with Tab/Shift+Tab, arrow keys, Space, Enter and typing.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { PATHS } from '../../src/paths.js';
import { browserSuite } from '../helpers/browser-suite.js';
import { DEMO, DEMO_ANSWERS } from '../helpers/citizen.js';

// ---------------------------------------------------------------------------------------------
// The demo questionnaire and the UI strings, so that controls are named as a citizen hears them
// ---------------------------------------------------------------------------------------------

type Lang = 'en' | 'pl' | 'ar';
type Text = Record<string, string>;
interface Choice {
  key: string;
  label: Text;
}
interface Question {
  key: string;
  type: string;
  required?: boolean;
  display?: string;
  text: Text;
  options?: Choice[];
  rows?: Choice[];
  purposes?: Choice[];
  choices?: Choice[];
  scale?: { points: Choice[]; dontKnow?: Choice };
}
interface Questionnaire {
  sections: { key: string; questions: Question[] }[];
}

const DOC = JSON.parse(readFileSync(PATHS.demoQuestionnaire, 'utf8')) as Questionnaire;
const QUESTIONS = DOC.sections.flatMap((s) => s.questions);

function question(key: string): Question {
  const found = QUESTIONS.find((q) => q.key === key);
  if (!found) throw new Error(`no question ${key} in the demo questionnaire`);
  return found;
}

/** The answer choices of a question: options, scale points (and "don't know"), consent choices. */
function choicesOf(q: Question): Choice[] {
  if (q.options) return q.options;
  if (q.scale) return q.scale.dontKnow ? [...q.scale.points, q.scale.dontKnow] : q.scale.points;
  return q.choices ?? [];
}

/** The rows of a matrix: statements, or purposes in a consent matrix. */
function rowsOf(q: Question): Choice[] {
  return q.rows ?? q.purposes ?? [];
}

function labelOf(list: Choice[], key: string, lang: Lang): string {
  const found = list.find((c) => c.key === key);
  if (!found) throw new Error(`no choice ${key} in ${list.map((c) => c.key).join(', ')}`);
  return found.label[lang] as string;
}

/** The locale strings of one language, as t('section.continue', { … }). */
function strings(lang: Lang): (key: string, vars?: Record<string, string>) => string {
  const all = JSON.parse(readFileSync(join(PATHS.locales, lang, 'common.json'), 'utf8')) as Record<
    string,
    Record<string, string>
  >;
  return (key, vars = {}) => {
    const [group = '', name = ''] = key.split('.');
    const template = all[group]?.[name];
    if (template === undefined) throw new Error(`no string ${key} in ${lang}`);
    return template.replace(/\{\{(\w+)\}\}/g, (_, v: string) => vars[v] ?? '');
  };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---------------------------------------------------------------------------------------------
// Keyboard primitives
// ---------------------------------------------------------------------------------------------

/** True when the focused element is (one of) the element(s) the locator matches. */
function isFocused(locator: Locator): Promise<boolean> {
  return locator.evaluateAll((els) => els.some((el) => el === document.activeElement));
}

async function describeFocus(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el) return 'nothing';
    const name = (el as HTMLInputElement).name ? `[name=${(el as HTMLInputElement).name}]` : '';
    return `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${name} "${(el.textContent ?? '').trim().slice(0, 40)}"`;
  });
}

/** Presses Tab (or Shift+Tab) until the locator is focused; fails if it is not within the limit. */
async function tabTo(
  page: Page,
  locator: Locator,
  maxPresses = 80,
  key: 'Tab' | 'Shift+Tab' = 'Tab',
): Promise<void> {
  for (let presses = 0; presses <= maxPresses; presses++) {
    if (await isFocused(locator)) return;
    if (presses < maxPresses) await page.keyboard.press(key);
  }
  throw new Error(
    `${key} ×${maxPresses} did not reach ${String(locator)}; focus is on ${await describeFocus(page)}`,
  );
}

/** Presses a key that submits a form or follows a link, and waits for the next page. */
async function pressAndLoad(page: Page, key: 'Enter' | 'Space'): Promise<void> {
  const loaded = page.waitForEvent('load');
  await page.keyboard.press(key);
  await loaded;
}

/**
 * Selects one radio of a group: Tab lands on the checked (or first) radio, ArrowDown moves and
 * selects (in both directions of text), Space selects the focused radio.
 */
async function chooseRadio(page: Page, radios: Locator, target: Locator): Promise<void> {
  await tabTo(page, radios);
  const count = await radios.count();
  for (let i = 0; i < count && !(await isFocused(target)); i++) {
    await page.keyboard.press('ArrowDown');
  }
  if (!(await isFocused(target))) throw new Error(`ArrowDown never reached ${String(target)}`);
  if (!(await target.isChecked())) await page.keyboard.press('Space');
  expect(await target.isChecked()).toBe(true);
}

// ---------------------------------------------------------------------------------------------
// A citizen who answers with the keyboard only
// ---------------------------------------------------------------------------------------------

class KeyboardCitizen {
  readonly t: ReturnType<typeof strings>;

  constructor(
    readonly page: Page,
    readonly lang: Lang,
  ) {
    this.t = strings(lang);
  }

  get base(): string {
    return `${suite.app.baseUrl}/${this.lang}`;
  }

  text(key: string): string {
    return question(key).text[this.lang] as string;
  }

  /** The fieldset of a question, named by its legend. */
  group(key: string): Locator {
    return this.page.getByRole('group', { name: this.text(key) });
  }

  radio(key: string, option: string): Locator {
    const label = labelOf(choicesOf(question(key)), option, this.lang);
    return this.group(key).getByRole('radio', { name: label, exact: true });
  }

  /** A radio of a matrix, named "<row label>: <point label>". */
  matrixRadio(key: string, row: string, point: string): Locator {
    const q = question(key);
    const name = `${labelOf(rowsOf(q), row, this.lang)}: ${labelOf(choicesOf(q), point, this.lang)}`;
    return this.group(key).getByRole('radio', { name, exact: true });
  }

  matrixRow(key: string, row: string): Locator {
    const rowLabel = labelOf(rowsOf(question(key)), row, this.lang);
    return this.group(key).getByRole('radio', { name: new RegExp(`^${escapeRegExp(rowLabel)}: `) });
  }

  button(key: string): Locator {
    return this.page.getByRole('button', { name: this.t(key), exact: true });
  }

  async choose(key: string, option: string): Promise<void> {
    await chooseRadio(this.page, this.group(key).getByRole('radio'), this.radio(key, option));
  }

  async chooseInRow(key: string, row: string, point: string): Promise<void> {
    await chooseRadio(this.page, this.matrixRow(key, row), this.matrixRadio(key, row, point));
  }

  async tick(key: string, option: string): Promise<void> {
    const box = this.group(key).getByRole('checkbox', {
      name: labelOf(choicesOf(question(key)), option, this.lang),
      exact: true,
    });
    await tabTo(this.page, box);
    await this.page.keyboard.press('Space');
    expect(await box.isChecked()).toBe(true);
  }

  /** A ranking select: from "Not ranked", ArrowDown n times gives rank n. */
  async rank(key: string, option: string, rank: number): Promise<void> {
    const select = this.group(key).getByRole('combobox', {
      name: labelOf(choicesOf(question(key)), option, this.lang),
      exact: true,
    });
    await tabTo(this.page, select);
    for (let i = 0; i < rank; i++) await this.page.keyboard.press('ArrowDown');
    expect(await select.inputValue()).toBe(String(rank));
  }

  /** A drop-down list: focus it and type the start of the answer's label. */
  async pick(key: string, option: string): Promise<void> {
    const select = this.page.getByRole('combobox', { name: this.text(key) });
    await tabTo(this.page, select);
    await this.page.keyboard.type(labelOf(choicesOf(question(key)), option, this.lang).slice(0, 4));
    expect(await select.inputValue()).toBe(option);
  }

  async type(key: string, value: string): Promise<void> {
    const box = this.page.getByRole('textbox', { name: this.text(key) });
    await tabTo(this.page, box);
    await this.page.keyboard.type(value);
    expect(await box.inputValue()).toBe(value);
  }

  /** Answers one field of DEMO_ANSWERS with the control its question type renders. */
  async answer(field: string, value: string | string[]): Promise<void> {
    const [key = '', sub = ''] = field.split('.');
    const q = question(key);
    const values = Array.isArray(value) ? value : [value];
    if (q.type === 'likert-matrix' || q.type === 'consent-matrix')
      return this.chooseInRow(key, sub, values[0] as string);
    if (q.type === 'ranking') return this.rank(key, sub, Number(values[0]));
    if (q.type === 'multi-choice') {
      for (const v of values) await this.tick(key, v);
      return;
    }
    if (q.type === 'number' || q.type === 'text') return this.type(key, values[0] as string);
    if (q.display === 'select') return this.pick(key, values[0] as string);
    return this.choose(key, values[0] as string);
  }

  /** Tabs to a button and presses Enter (or Space), then waits for the next page. */
  async activate(buttonKey: string, key: 'Enter' | 'Space' = 'Enter'): Promise<void> {
    await tabTo(this.page, this.button(buttonKey));
    await pressAndLoad(this.page, key);
  }

  /** "Continue", and the section the citizen should land on next. */
  async continueTo(path: string): Promise<void> {
    await this.activate('section.continue');
    expect(new URL(this.page.url()).pathname).toBe(`/${this.lang}/q/${DEMO}/${path}`);
  }

  /** From the start page, "Start now" to section 1. */
  async start(): Promise<void> {
    await this.page.goto(`${this.base}/q/${DEMO}`);
    await this.activate('start.startButton');
    expect(new URL(this.page.url()).pathname).toBe(`/${this.lang}/q/${DEMO}/s/1`);
  }
}

/**
 * The fields of DEMO_ANSWERS for section n (1-based), in page order: those of the required
 * questions plus those of the listed optional ones.
 */
function planFor(n: number, optional: string[]): [string, string | string[]][] {
  const answers = DEMO_ANSWERS[n - 1] ?? {};
  const plan: [string, string | string[]][] = [];
  for (const q of DOC.sections[n - 1]?.questions ?? []) {
    if (!q.required && !optional.includes(q.key)) continue;
    const parts = q.type === 'ranking' ? (q.options ?? []) : rowsOf(q);
    if (parts.length > 0) {
      for (const part of parts) {
        const value = answers[`${q.key}.${part.key}`];
        if (value !== undefined) plan.push([`${q.key}.${part.key}`, value]);
      }
    } else {
      const value = answers[q.key];
      if (value === undefined) continue;
      const order = choicesOf(q).map((c) => c.key);
      plan.push([
        q.key,
        Array.isArray(value)
          ? [...value].sort((a, b) => order.indexOf(a) - order.indexOf(b))
          : value,
      ]);
    }
  }
  return plan;
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

const LANGS: Lang[] = ['en', 'pl', 'ar'];
/** Optional questions answered in each language, so every control type is used at least once. */
const OPTIONAL: Record<Lang, string[]> = {
  en: ['trust_measures', 'measures_ranking', 'age'],
  pl: ['country_of_residence', 'comments'],
  ar: ['age', 'comments'],
};
const SECTIONS = DOC.sections.length;

const suite = browserSuite();
const receipts: Partial<Record<Lang, string>> = {};

async function responseCount(): Promise<number> {
  const [row] = await suite.app.db('responses').count('* as n');
  return Number(row?.n);
}

async function withCitizen<T>(
  lang: Lang,
  run: (citizen: KeyboardCitizen, context: BrowserContext) => Promise<T>,
): Promise<T> {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 900 } });
  try {
    return await run(new KeyboardCitizen(await context.newPage(), lang), context);
  } finally {
    await context.close();
  }
}

describe.skipIf(!suite.enabled)('keyboard-only journeys', () => {
  it.each(LANGS)('%s: completes the demo questionnaire with the keyboard only', async (lang) => {
    const before = await responseCount();
    const receipt = await withCitizen(lang, async (citizen) => {
      const { page, t } = citizen;
      await citizen.start();
      const html = await page.evaluate(() => [
        document.documentElement.lang,
        document.documentElement.dir,
      ]);
      expect(html).toEqual([lang, lang === 'ar' ? 'rtl' : 'ltr']);

      for (let n = 1; n <= SECTIONS; n++) {
        for (const [field, value] of planFor(n, OPTIONAL[lang])) await citizen.answer(field, value);
        await citizen.continueTo(n < SECTIONS ? `s/${n + 1}` : 'check');
      }

      expect(await page.getByRole('heading', { level: 1, name: t('check.title') }).count()).toBe(1);
      await citizen.activate('check.submit');
      expect(new URL(page.url()).pathname).toBe(`/${lang}/q/${DEMO}/done`);
      expect(await page.getByRole('heading', { level: 1, name: t('done.title') }).count()).toBe(1);
      return ((await page.locator('#receipt-code').textContent()) ?? '').trim();
    });
    expect(receipt).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect(await responseCount()).toBe(before + 1);
    receipts[lang] = receipt;
  });

  it.each(LANGS)('%s: withdraws the submitted answers with the receipt code', async (lang) => {
    const receipt = receipts[lang];
    expect(receipt, `the ${lang} journey above gave no receipt`).toBeDefined();
    const before = await responseCount();
    await withCitizen(lang, async ({ page, t }) => {
      await page.goto(`${suite.app.baseUrl}/${lang}/withdraw`);
      await tabTo(page, page.getByRole('textbox', { name: t('withdraw.label'), exact: true }));
      await page.keyboard.type(receipt as string);
      await pressAndLoad(page, 'Enter');
      expect(
        await page.getByRole('heading', { level: 1, name: t('withdraw.doneTitle') }).count(),
      ).toBe(1);
    });
    expect(await responseCount()).toBe(before - 1);
  });

  it('pl: an unanswered required question: the error summary leads to its field', async () => {
    await withCitizen('pl', async (citizen) => {
      const { page, t } = citizen;
      await citizen.start();
      await citizen.continueTo('s/1');
      expect(await page.title()).toMatch(new RegExp(`^${escapeRegExp(t('site.errorPrefix'))} `));
      expect(
        await page.evaluate(() => document.activeElement?.hasAttribute('data-error-summary')),
      ).toBe(true);

      const summary = page.locator('[data-error-summary]');
      const link = summary.getByRole('link', {
        name: t('errors.required_choice', { question: citizen.text('familiarity') }),
        exact: true,
      });
      expect(await summary.getByRole('link').first().textContent()).toBe(await link.textContent());
      await tabTo(page, link, 1);
      await page.keyboard.press('Enter');
      const firstRadio = citizen.group('familiarity').getByRole('radio').first();
      await expect.poll(() => isFocused(firstRadio)).toBe(true);
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('f-familiarity');

      // From there the citizen answers and goes on.
      await citizen.choose('familiarity', 'heard_little');
      await citizen.choose('prior_test', 'not_sure');
      await citizen.continueTo('s/2');
    });
  });

  it('en: "Previous section" keeps the answers of both sections', async () => {
    await withCitizen('en', async (citizen) => {
      const { page } = citizen;
      await citizen.start();
      await citizen.choose('familiarity', 'quite_familiar');
      await citizen.choose('prior_test', 'no');
      await citizen.continueTo('s/2');
      await citizen.chooseInRow('willingness', 'own_doctor', 'willing');

      // Past "Previous section" to "Save and continue later", then back with Shift+Tab.
      await tabTo(page, citizen.button('section.saveLater'));
      await tabTo(page, citizen.button('section.previous'), 3, 'Shift+Tab');
      await pressAndLoad(page, 'Space');
      expect(new URL(page.url()).pathname).toBe(`/en/q/${DEMO}/s/1`);
      expect(await citizen.radio('familiarity', 'quite_familiar').isChecked()).toBe(true);
      expect(await citizen.radio('prior_test', 'no').isChecked()).toBe(true);

      await citizen.continueTo('s/2');
      expect(await citizen.matrixRadio('willingness', 'own_doctor', 'willing').isChecked()).toBe(
        true,
      );
    });
  });

  it('en: "Save and continue later", then resume with the code in a new browser', async () => {
    const code = await withCitizen('en', async (citizen) => {
      const { page } = citizen;
      await citizen.start();
      await citizen.choose('familiarity', 'very_familiar');
      await citizen.choose('prior_test', 'yes');
      await citizen.continueTo('s/2');
      await citizen.chooseInRow('willingness', 'universities', 'neutral');
      await citizen.activate('section.saveLater');
      expect(new URL(page.url()).pathname).toBe(`/en/q/${DEMO}/saved`);
      return ((await page.locator('#resume-code').textContent()) ?? '').trim();
    });
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);

    await withCitizen('en', async (citizen) => {
      const { page, t } = citizen;
      await page.goto(`${suite.app.baseUrl}/en/q/${DEMO}/resume`);
      await tabTo(page, page.getByRole('textbox', { name: t('resume.label'), exact: true }));
      await page.keyboard.type(code);
      await pressAndLoad(page, 'Enter');
      // The first incomplete section, with the saved row.
      expect(new URL(page.url()).pathname).toBe(`/en/q/${DEMO}/s/2`);
      expect(await citizen.matrixRadio('willingness', 'universities', 'neutral').isChecked()).toBe(
        true,
      );
      // The question shown because of section 1's answer is there, and so is that answer.
      expect(await citizen.group('prior_test_consent').count()).toBe(1);
      await citizen.activate('section.previous');
      expect(new URL(page.url()).pathname).toBe(`/en/q/${DEMO}/s/1`);
      expect(await citizen.radio('familiarity', 'very_familiar').isChecked()).toBe(true);
      expect(await citizen.radio('prior_test', 'yes').isChecked()).toBe(true);
    });
  });
});
