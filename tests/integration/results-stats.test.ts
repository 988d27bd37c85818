import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATHS } from '../../src/paths.js';
import { simulationService } from '../../src/services/simulation.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen, completeDemo, DEMO } from '../helpers/citizen.js';
import { account, signedIn } from '../helpers/coordinator.js';
import { demoCountry, downloadBytes } from '../helpers/results.js';

let t: TestApp;
let coordinator: Citizen;
const RESULTS = `/admin/questionnaires/${DEMO}/results`;
const K = 10;

/** One exported row, from JSON or CSV. */
interface Row {
  question_key: string;
  item: string;
  value: string;
  group: string;
  count: number | null;
  flag: string | null;
  percent: number | null;
  statistic: number | null;
}

const STATISTICS = ['$net_score', '$mean_rank', '$completion_rate'];
const isStatistic = (r: Row) => STATISTICS.includes(r.value);

async function download(path: string): Promise<string> {
  const { res, data } = await downloadBytes(coordinator, path);
  expect(res.status).toBe(200);
  return data.toString('utf8');
}

const query = (by: string) => (by === '' ? '' : `&by=${encodeURIComponent(by)}`);

async function fromJson(by = ''): Promise<Row[]> {
  const text = await download(`${RESULTS}/export?format=json${query(by)}`);
  return (JSON.parse(text) as { rows: Row[] }).rows;
}

async function fromCsv(by = ''): Promise<Row[]> {
  const text = await download(`${RESULTS}/export?format=csv${query(by)}`);
  const number = (v: string | undefined) => (v === '' || v === undefined ? null : Number(v));
  return (parse(text, { bom: true, columns: true }) as Record<string, string>[]).map((r) => ({
    question_key: r.question_key!,
    item: r.item!,
    value: r.value!,
    group: r.group!,
    count: number(r.count),
    flag: r.flag === '' ? null : r.flag!,
    percent: number(r.percent),
    statistic: number(r.statistic),
  }));
}

const decode = (html: string) =>
  html
    .replace(/&#39;/g, "'")
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();

/** The overview of the results page as it reads: responses, abandoned starts, completion rate. */
async function overview(by = '') {
  await coordinator.get(by === '' ? RESULTS : `${RESULTS}?by=${encodeURIComponent(by)}`);
  const [responses, abandoned, completion] = [
    ...coordinator.html.matchAll(/results__overview-number[^"]*">([^<]*)</g),
  ].map((m) => decode(m[1]!));
  return { responses: responses!, abandoned: abandoned!, completion: completion! };
}

/** A question's statistics table on the page last fetched: row labels and the cells' texts. */
function statisticTable(questionKey: string): { label: string; cells: string[] }[] {
  const section = new RegExp(`aria-labelledby="r-${questionKey}">([\\s\\S]*?)</section>`).exec(
    coordinator.html,
  )?.[1];
  const table =
    /<caption class="table__caption">(?:Net score|Mean rank)<\/caption>([\s\S]*?)<\/table>/.exec(
      section ?? '',
    )?.[1];
  if (!table) throw new Error(`no statistics table for ${questionKey}`);
  return [...table.matchAll(/<tr>\s*<th scope="row"[^>]*>([^<]*)<\/th>([\s\S]*?)<\/tr>/g)].map(
    (m) => ({
      label: decode(m[1]!),
      cells: [...m[2]!.matchAll(/results__statistic[^"]*">([^<]*)</g)].map((c) => decode(c[1]!)),
    }),
  );
}

/** The demo's definition as written, for its labels and scales. */
const demo = JSON.parse(readFileSync(PATHS.demoQuestionnaire, 'utf8')) as {
  sections: {
    questions: {
      key: string;
      type: string;
      text: { en: string };
      rows?: { key: string; label: { en: string } }[];
      options?: { key: string; label: { en: string } }[];
      scale?: { points: { key: string }[] };
    }[];
  }[];
};
const questions = demo.sections.flatMap((s) => s.questions);
const scaled = questions.filter((q) => q.type === 'likert' || q.type === 'likert-matrix');
const ranked = questions.filter((q) => q.type === 'ranking');

/** The definition of docs/results-statistics.md, written again from the exported counts. */
function expectedNetScore(rows: Row[], q: (typeof questions)[number], item: string, group: string) {
  const points = q.scale!.points.map((p) => p.key);
  const half = Math.floor(points.length / 2);
  const count = (value: string) =>
    rows.find(
      (r) => r.question_key === q.key && r.item === item && r.value === value && r.group === group,
    )!.count;
  const counts = points.map(count);
  if (counts.some((c) => c === null)) return null;
  const lower = counts.slice(0, half).reduce((a, b) => a! + b!, 0)!;
  const upper = counts.slice(points.length - half).reduce((a, b) => a! + b!, 0)!;
  const base = counts.reduce((a, b) => a! + b!, 0)!;
  if (base === 0) return null;
  const net = (100 * (upper - lower)) / base;
  return Math.sign(net) * Math.round(Math.abs(net));
}

function expectedMeanRank(rows: Row[], questionKey: string, item: string, group: string) {
  const positions = rows.filter(
    (r) =>
      r.question_key === questionKey &&
      r.item === item &&
      r.group === group &&
      /^\d+$/.test(r.value),
  );
  if (positions.some((r) => r.count === null)) return null;
  const base = positions.reduce((a, r) => a + r.count!, 0);
  const weighted = positions.reduce((a, r) => a + Number(r.value) * r.count!, 0);
  return base === 0 ? null : Math.round((10 * weighted) / base) / 10;
}

/** How the English page writes a statistic row of an export in a statistics table. */
function asOnPage(row: Row): string {
  if (row.statistic === null) return row.flag === 'x' ? 'hidden' : 'no answers';
  if (row.value === '$mean_rank') return row.statistic.toFixed(1);
  if (row.value === '$completion_rate') return `${row.statistic} %`;
  return row.statistic > 0 ? `+${row.statistic}` : String(row.statistic);
}

/** Starts answering in n browsers and leaves; their drafts then expire and are purged. */
async function abandon(n: number): Promise<number> {
  for (let i = 0; i < n; i++) {
    const res = await new Citizen(t.app).begin('en');
    expect(res.status).toBe(303);
  }
  await t.db('drafts').update({ expires_at: t.db.raw("now() - interval '1 minute'") });
  return t.deps.repositories.drafts.deleteExpired();
}

const abandonedCells = async () =>
  (await t
    .db('result_cells')
    .where({ question_key: '$abandoned', dimension: '' })
    .select('count')) as { count: string }[];
const waitingAbandoned = async () =>
  (await t.db('result_abandoned_pending').select('count')) as { count: string }[];

beforeAll(async () => {
  t = await createTestApp();
  const country = await demoCountry(t.db);
  await account(t.deps, 'coordinator@example.org', 'coordinator', [country]);
  coordinator = await signedIn(t.app, 'coordinator@example.org');
  const simulated = await simulationService(t.deps.repositories).simulate(DEMO, {
    count: 400,
    seed: 11,
    now: new Date(),
  });
  expect(simulated).toEqual({ kind: 'simulated', count: 400 });
  // Without statistics on the fresh tables, PostgreSQL plans the fold with nested loops that
  // take minutes for a few hundred responses; a real database has them from autovacuum.
  await t.db.raw('analyze responses, answers');
});
afterAll(async () => t.close());

describe('completion rate', () => {
  it('is 100 % while no start has been abandoned, on the page and in the exports', async () => {
    const page = await overview();
    expect(Number(page.responses.replace(/,/g, ''))).toBeGreaterThan(390);
    expect(page).toMatchObject({ abandoned: '0', completion: '100 %' });
    const rows = await fromJson();
    expect(rows.find((r) => r.question_key === '$abandoned')).toMatchObject({
      count: 0,
      flag: 'z',
    });
    expect(rows.find((r) => r.value === '$completion_rate')).toMatchObject({
      statistic: 100,
      flag: null,
    });
  });

  it('counts expired drafts as abandoned starts, published in steps of k, and falls with them', async () => {
    // A citizen who finishes leaves no draft behind, so no abandoned start.
    await completeDemo(new Citizen(t.app), 'en');
    expect(await abandon(4)).toBe(4);
    expect(await waitingAbandoned()).toEqual([{ count: '4' }]);
    // Fewer than k: the page does not move.
    expect(await overview()).toMatchObject({ abandoned: '0', completion: '100 %' });
    expect(await abandonedCells()).toEqual([]);

    expect(await abandon(8)).toBe(8);
    const page = await overview();
    expect(await waitingAbandoned()).toEqual([]);
    expect(await abandonedCells()).toEqual([{ count: '12' }]);
    // Twelve, perturbed by at most 2 and never below k.
    const abandoned = Number(page.abandoned);
    expect(abandoned).toBeGreaterThanOrEqual(K);
    expect(Math.abs(abandoned - 12)).toBeLessThanOrEqual(2);
    const responses = Number(page.responses.replace(/,/g, ''));
    const rate = Math.round((100 * responses) / (responses + abandoned));
    expect(rate).toBeLessThan(100);
    expect(page.completion).toBe(`${rate} %`);

    for (const rows of [await fromJson(), await fromCsv()]) {
      expect(rows.find((r) => r.question_key === '$responses' && r.group === '')?.count).toBe(
        responses,
      );
      expect(rows.find((r) => r.question_key === '$abandoned')).toMatchObject({
        count: abandoned,
        flag: null,
      });
      expect(rows.find((r) => r.value === '$completion_rate')).toMatchObject({
        statistic: rate,
        flag: null,
      });
    }
  });
});

describe('net scores and mean ranks', () => {
  const seen = { shown: 0, hidden: 0 };

  for (const by of ['', '$language'])
    it(`${by || 'without a breakdown'}: the exports hold the definition applied to their own protected counts`, async () => {
      const rows = await fromJson(by);
      const statistics = rows.filter((r) => r.value === '$net_score' || r.value === '$mean_rank');
      // Every row of a scale's table has a net score per group, every ranked option a mean rank.
      const groups = new Set(rows.map((r) => r.group)).size;
      const tables =
        scaled.reduce((n, q) => n + (q.rows?.length ?? 1), 0) +
        ranked.reduce((n, q) => n + q.options!.length, 0);
      expect(statistics.length).toBe(tables * groups);
      for (const row of statistics) {
        const q = questions.find((x) => x.key === row.question_key)!;
        const expected =
          row.value === '$net_score'
            ? expectedNetScore(rows, q, row.item, row.group)
            : expectedMeanRank(rows, q.key, row.item, row.group);
        expect(row.statistic, JSON.stringify(row)).toBe(expected);
        expect(row.flag, JSON.stringify(row)).toBe(expected === null ? 'x' : null);
        seen[expected === null ? 'hidden' : 'shown'] += 1;
      }
      // The CSV says the same.
      expect((await fromCsv(by)).filter(isStatistic)).toEqual(rows.filter(isStatistic));
    });

  it('both breakdowns together showed statistics and withheld some for hidden counts', () => {
    expect(seen.shown).toBeGreaterThanOrEqual(10);
    expect(seen.hidden).toBeGreaterThanOrEqual(10);
  });

  for (const by of ['', '$language'])
    it(`${by || 'without a breakdown'}: the page shows the exported statistics beside each question`, async () => {
      const rows = await fromJson(by);
      await coordinator.get(by === '' ? RESULTS : `${RESULTS}?by=${encodeURIComponent(by)}`);
      const statisticsOf = (questionKey: string, item: string) =>
        rows.filter((r) => r.question_key === questionKey && r.item === item && isStatistic(r));

      for (const q of scaled) {
        const items = q.rows ? q.rows.map((r) => ({ key: r.key, label: r.label.en })) : [];
        const expected = (items.length > 0 ? items : [{ key: '', label: q.text.en }]).map(
          ({ key, label }) => ({ label, cells: statisticsOf(q.key, key).map(asOnPage) }),
        );
        expect(statisticTable(q.key), q.key).toEqual(expected);
      }

      for (const q of ranked) {
        const everyone = (key: string) => statisticsOf(q.key, key).find((r) => r.group === '')!;
        // Lowest mean rank first; ties keep the definition's order, and no mean goes last.
        const order = q
          .options!.map((o, index) => ({ o, index, mean: everyone(o.key).statistic }))
          .sort((a, b) => (a.mean ?? Infinity) - (b.mean ?? Infinity) || a.index - b.index);
        const page = statisticTable(q.key);
        expect(page).toEqual(
          order.map(({ o }) => ({
            label: o.label.en,
            cells: statisticsOf(q.key, o.key).map(asOnPage),
          })),
        );
        expect(page.length).toBe(5);
      }

      // Without a breakdown each statistic table has a chart of the same numbers after it; with
      // one, the table alone.
      for (const q of [...scaled, ...ranked]) {
        const section = new RegExp(`aria-labelledby="r-${q.key}">([\\s\\S]*?)</section>`).exec(
          coordinator.html,
        )![1]!;
        const chart =
          /aria-label="Bar chart of the table above: (?:Net score|Mean rank)"([\s\S]*?)<\/svg>/.exec(
            section,
          )?.[1];
        if (by !== '') {
          expect(chart, q.key).toBeUndefined();
          continue;
        }
        const values = [...chart!.matchAll(/class="results-chart__value"[^>]*>([^<]*)</g)].map(
          (m) => decode(m[1]!),
        );
        expect(values, q.key).toEqual(statisticTable(q.key).map((row) => row.cells[0]));
      }
    });

  it('say which points make each half of a scale, and that "don\'t know" is left out', async () => {
    await coordinator.get(RESULTS);
    const section = /aria-labelledby="r-benefit">([\s\S]*?)<\/section>/.exec(coordinator.html)![1]!;
    const text = decode(section.replace(/<[^>]+>/g, '')).replace(/\s+/g, ' ');
    expect(text).toContain('Upper half: Agree and Strongly agree');
    expect(text).toContain('Lower half: Strongly disagree and Disagree');
    expect(text).toContain('Left out: Don’t know');
  });
});

describe('abandoned starts after closing', () => {
  it('the last ones join, fewer than k, once no draft is left', async () => {
    for (let i = 0; i < 3; i++) await new Citizen(t.app).begin('en');
    await t.db('questionnaires').where('slug', DEMO).update({ status: 'closed' });
    await overview();
    // Their drafts may still expire: nothing moves yet.
    expect(await abandonedCells()).toEqual([{ count: '12' }]);
    await t.db('drafts').update({ expires_at: t.db.raw("now() - interval '1 minute'") });
    expect(await t.deps.repositories.drafts.deleteExpired()).toBe(3);
    await t.deps.results.foldPending();
    expect(await waitingAbandoned()).toEqual([]);
    expect(await abandonedCells()).toEqual([{ count: '15' }]);
  });
});
