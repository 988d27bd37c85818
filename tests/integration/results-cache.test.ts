import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Account } from '../../src/db/accounts.js';
import { responseRepository } from '../../src/db/responses.js';
import { aggregateRepository } from '../../src/db/aggregates.js';
import { questionnaireRepository } from '../../src/db/questionnaires.js';
import { depsFromDb, type Deps } from '../../src/deps.js';
import { resultsService } from '../../src/services/results.js';
import { simulationService } from '../../src/services/simulation.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen, completeDemo, DEMO } from '../helpers/citizen.js';
import { account, signedIn } from '../helpers/coordinator.js';
import { foldedResponses } from '../helpers/results.js';
import { testSettings } from '../helpers/settings.js';
import { PATHS } from '../../src/paths.js';
import { createTranslations } from '../../src/web/i18n.js';
import { cachedResultsView } from '../../src/web/results-view.js';

/**
 * Results are kept in memory per fold generation (src/services/results-cache.ts). These tests
 * change the numbers in every way they change and check that the next view shows them: in the
 * process that folded, in another process on the same database, and on the page.
 */
let t: TestApp;
/** A second app process on the same database, with its own memory. */
let other: Deps;
let reader: Account;
let seed = 100;
const RESULTS = `/admin/questionnaires/${DEMO}/results`;

const simulate = async (count: number) =>
  expect(
    await simulationService(t.deps.repositories).simulate(DEMO, {
      count,
      seed: seed++,
      now: new Date(),
    }),
  ).toEqual({ kind: 'simulated', count });

/** What a process that never read these results computes now. */
const fresh = (by = '') =>
  resultsService({
    questionnaires: questionnaireRepository(t.db),
    aggregates: aggregateRepository(t.db),
    responses: responseRepository(t.db),
  }).results(reader, DEMO, by);

const folded = () => foldedResponses(t.db);

/** The protected number of responses the results page shows, as text. */
function shownResponses(html: string): string {
  const table =
    /Responses in these results<\/caption>[\s\S]*?<td class="table__numeric">([^<]+)</.exec(html);
  if (!table) throw new Error('no responses table on the page');
  return (table[1] as string).trim();
}

beforeAll(async () => {
  t = await createTestApp();
  other = depsFromDb(t.db, {
    logger: pino({ level: 'silent' }),
    draftTtlHours: 24,
    settings: testSettings(),
  });
  const country = (
    (await t.db('questionnaires').where('slug', DEMO).first('country')) as { country: string }
  ).country;
  reader = await account(t.deps, 'reader@example.org', 'coordinator', [country]);
});
afterAll(async () => t.close());

describe('kept results are never stale', () => {
  it('a fold of k new responses shows on the next view, in this process and in another', async () => {
    await simulate(30);
    const first = await t.deps.results.results(reader, DEMO);
    expect(await folded()).toBe(30);
    // Asked again with nothing new: the same kept object.
    expect(await t.deps.results.results(reader, DEMO)).toBe(first);
    expect(await other.results.results(reader, DEMO)).toEqual(first);

    await simulate(40);
    // The other process sees k waiting and folds them.
    const afterOtherFold = await other.results.results(reader, DEMO);
    expect(await folded()).toBe(70);
    const again = await t.deps.results.results(reader, DEMO);
    expect(again).not.toBe(first);
    expect(again).toEqual(afterOtherFold);
    expect(again).toEqual(await fresh());
    expect(again.responses.totals['']?.value).toBeGreaterThan(60);
  });

  it('the page shows the new number after a fold made elsewhere', async () => {
    const coordinator = await signedIn(t.app, 'reader@example.org');
    await coordinator.get(RESULTS);
    const before = shownResponses(coordinator.html);
    await simulate(50);
    await other.results.foldPending();
    expect(await folded()).toBe(120);
    await coordinator.get(RESULTS);
    const after = shownResponses(coordinator.html);
    expect(after).not.toBe(before);
    expect(Number(after.replace(/\D/g, ''))).toBeGreaterThan(110);
  });

  it('a withdrawal after a fold changes nothing until the next fold, which then shows it', async () => {
    const receipt = await completeDemo(new Citizen(t.app), 'en');
    await simulate(9);
    const withIt = await t.deps.results.results(reader, DEMO, '$language');
    expect(await folded()).toBe(130);

    expect(await t.deps.answering.withdraw(receipt)).toBe(true);
    // One withdrawal is fewer than k: the numbers must not move by one person.
    expect(await t.deps.results.results(reader, DEMO, '$language')).toBe(withIt);
    expect(await folded()).toBe(130);

    await simulate(10);
    const next = await other.results.results(reader, DEMO, '$language');
    expect(await folded()).toBe(139);
    const kept = await t.deps.results.results(reader, DEMO, '$language');
    expect(kept).not.toBe(withIt);
    expect(kept).toEqual(next);
    expect(kept).toEqual(await fresh('$language'));
  });

  it('closing folds the last few, and every breakdown shows them', async () => {
    const byAge = await t.deps.results.results(reader, DEMO, 'age');
    await simulate(3);
    await t.db('questionnaires').where('slug', DEMO).update({ status: 'closed' });
    const closed = await t.deps.results.results(reader, DEMO, 'age');
    expect(await folded()).toBe(142);
    expect(closed.status).toBe('closed');
    expect(closed).not.toBe(byAge);
    expect(closed).toEqual(await fresh('age'));
    expect(await t.deps.results.results(reader, DEMO)).toEqual(await fresh());
  });
});

describe('kept HTML', () => {
  it('the HTML of the tables is kept per results, language and name: a new fold renders afresh', async () => {
    const translations = createTranslations(PATHS.locales);
    const view = async (lang: 'en' | 'pl') =>
      cachedResultsView(
        await t.deps.results.results(reader, DEMO),
        lang,
        translations.forLanguage(lang) as (key: string) => string,
      );
    let renders = 0;
    const render = (label: string) => () => `${label} ${++renders}`;
    expect((await view('en')).keep('questions', render('en'))).toBe('en 1');
    expect((await view('en')).keep('questions', render('again'))).toBe('en 1');
    expect((await view('pl')).keep('questions', render('pl'))).toBe('pl 2');
    expect((await view('en')).keep('questions texts', render('texts'))).toBe('texts 3');
    expect((await view('en')).questions[0]?.text).not.toEqual(
      (await view('pl')).questions[0]?.text,
    );
    await simulate(10);
    await t.deps.results.foldPending();
    expect((await view('en')).keep('questions', render('new'))).toBe('new 4');
  });
});
