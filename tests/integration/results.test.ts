import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen, completeDemo, DEMO } from '../helpers/citizen.js';
import { simulationService } from '../../src/services/simulation.js';
import { account, signedIn } from '../helpers/coordinator.js';
import { demoCountry, foldedResponses } from '../helpers/results.js';
import { responsesWaiting } from '../helpers/seed.js';

let t: TestApp;
let coordinator: Citizen;
const receipts: string[] = [];
const RESULTS = `/admin/questionnaires/${DEMO}/results`;

const pending = () => responsesWaiting(t.db);
const folded = () => foldedResponses(t.db);

beforeAll(async () => {
  t = await createTestApp();
  const country = await demoCountry(t.db);
  await account(t.deps, 'coordinator@example.org', 'coordinator', [country]);
  await account(t.deps, 'analyst@example.org', 'analyst', [country]);
  await account(t.deps, 'elsewhere@example.org', 'coordinator', [country === 'DE' ? 'FR' : 'DE']);
  coordinator = await signedIn(t.app, 'coordinator@example.org');
});
afterAll(async () => t.close());

describe('results from maintained aggregates, in batches of at least k', () => {
  it('fewer than k new responses are not published: the results still say zero', async () => {
    for (let i = 0; i < 4; i++) receipts.push(await completeDemo(new Citizen(t.app), 'en'));
    const res = await coordinator.get(RESULTS);
    expect(res.status).toBe(200);
    expect(await pending()).toBe(4);
    expect(await folded()).toBe(0);
    expect(coordinator.html).toContain(
      '<caption class="table__caption">Responses in these results',
    );
  });

  it('once k are waiting, they join the results together', async () => {
    for (let i = 0; i < 8; i++) receipts.push(await completeDemo(new Citizen(t.app), 'pl'));
    expect((await coordinator.get(RESULTS)).status).toBe(200);
    expect(await pending()).toBe(0);
    expect(await folded()).toBe(12);
    // The willingness matrix has one table per recipient.
    const html = coordinator.html.replace(/\s+/g, ' ');
    // Twelve responses are a group size of at least k: shown, not hidden as "same for all".
    const count =
      /Responses in these results<\/caption>.*?<td class="table__numeric">([^<]*)</.exec(html);
    expect(Number(count?.[1])).toBeGreaterThanOrEqual(10);
    expect(html).toMatch(/<caption class="table__caption"[^>]*>My own doctor/);
  });

  it('the breakdown by language has a column per language, and small groups are hidden', async () => {
    const res = await coordinator.get(`${RESULTS}?by=$language`);
    expect(res.status).toBe(200);
    const html = coordinator.html;
    expect(html).toContain('lang="pl">polski</th>');
    // Four answers in English: fewer than k, so never shown as 4.
    expect(html).toContain('&lt;10');
    expect(html).not.toMatch(/<td class="table__numeric">4( |<)/);
  });

  it('a withdrawal leaves the results with the next batch, not at once', async () => {
    const withdrawer = new Citizen(t.app);
    await withdrawer.get('/en/withdraw');
    const res = await withdrawer.post('/en/withdraw', { code: receipts[0] as string });
    expect(res.status).toBeLessThan(400);
    expect(await t.db('responses').count('* as n').first()).toEqual({ n: '11' });
    await coordinator.get(RESULTS);
    expect(await folded()).toBe(12);
    const adjustments = await t
      .db('result_adjustments')
      .countDistinct('withdrawal_id as n')
      .first();
    expect(adjustments).toEqual({ n: '1' });
  });

  it('an analyst reads the results; another country does not find them; a bad breakdown is a 400', async () => {
    const analyst = await signedIn(t.app, 'analyst@example.org');
    expect((await analyst.get(RESULTS)).status).toBe(200);
    const elsewhere = await signedIn(t.app, 'elsewhere@example.org');
    expect((await elsewhere.get(RESULTS)).status).toBe(404);
    expect((await coordinator.get(`${RESULTS}?by=comments`)).status).toBe(400);
    expect((await coordinator.get(`${RESULTS}?by=x&by=y`)).status).toBe(400);
  });

  it('after closing, the last responses join even if fewer than k', async () => {
    await completeDemo(new Citizen(t.app), 'en');
    await t.db('questionnaires').where('slug', DEMO).update({ status: 'closed' });
    expect((await coordinator.get(RESULTS)).status).toBe(200);
    expect(await pending()).toBe(0);
    // 12 folded, one withdrawal and one new response applied together.
    expect(await folded()).toBe(12);
    expect(await t.db('result_adjustments').count('* as n').first()).toEqual({ n: '0' });
  });

  it('the maintained cells equal a scan of the stored answers, key sums included', async () => {
    // Free text has no table, so its answers are not counted: each text would be a cell.
    expect(await t.db('result_cells').where('question_key', 'comments').count('* as n')).toEqual([
      { n: '0' },
    ]);
    const scan = (
      await t.db.raw(
        `select a.question_key, a.item, a.value, count(*)::int as count,
              (sum(floor(r.record_key * 4294967296)::bigint) % 4294967296)::bigint as key_sum
         from responses r
              cross join lateral jsonb_array_elements(r.answer_rows) as e (row)
              cross join lateral (select e.row ->> 0 as question_key, e.row ->> 1 as item,
                                         e.row ->> 2 as value) as a
        where a.question_key <> 'comments'
        group by 1, 2, 3 order by 1, 2, 3`,
      )
    ).rows as {
      question_key: string;
      item: string;
      value: string;
      count: number;
      key_sum: string;
    }[];
    const cells = (await t
      .db('result_cells')
      .where({ dimension: '' })
      .whereNot('question_key', 'like', '$%')
      .whereNot('value', '$answered')
      .where('count', '>', 0)
      .orderBy(['question_key', 'item', 'value'])
      .select('question_key', 'item', 'value', 'count', 'key_sum')) as {
      question_key: string;
      item: string;
      value: string;
      count: string;
      key_sum: string;
    }[];
    expect(cells.map((c) => ({ ...c, count: Number(c.count) }))).toEqual(scan);
  });

  it('housekeeping folds simulated responses in batches, and the cells still equal a scan', async () => {
    const result = await simulationService(t.deps.repositories).simulate(DEMO, {
      count: 45,
      seed: 3,
      now: new Date(),
    });
    expect(result).toEqual({ kind: 'simulated', count: 45 });
    const id = ((await t.db('questionnaires').where('slug', DEMO).first('id')) as { id: string })
      .id;
    expect(await t.deps.repositories.aggregates.fold(id, { dimensions: ['age'] }, 0, 7)).toBe(45);
    expect(await pending()).toBe(0);
    expect(await folded()).toBe(57);
    await t.deps.results.foldPending();
    expect(await folded()).toBe(57);
    const byAge = (await t
      .db('result_cells')
      .where({ dimension: 'age', question_key: '$responses' })
      .sum('count as n')
      .first()) as { n: string };
    // Simulated answers carry ages; the first twelve only some.
    expect(Number(byAge.n)).toBeGreaterThanOrEqual(45);
  });
});
