import { createHash, randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redact } from '../../src/domain/redaction.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen, completeDemo, DEMO, DEMO_ANSWERS, type Fields } from '../helpers/citizen.js';
import { account, signedIn } from '../helpers/coordinator.js';
import { demoCountry, downloadBytes } from '../helpers/results.js';
import { responsesWaiting } from '../helpers/seed.js';

let t: TestApp;
let coordinator: Citizen;
const RESULTS = `/admin/questionnaires/${DEMO}/results`;
const TEXTS = `${RESULTS}/texts/comments`;
const K = 10;
/** A text no export and no aggregate may ever hold. */
const MARKER = 'Quokka zebra marker';
/** The receipt of the response that wrote it, to withdraw it later. */
let markerReceipt = '';

/** The demo's answers, with this free text (or none) in the last section. */
function answersWith(comments: string | undefined): Fields[] {
  const last = { ...(DEMO_ANSWERS.at(-1) as Fields) };
  delete last.comments;
  if (comments !== undefined) last.comments = comments;
  return [...DEMO_ANSWERS.slice(0, -1), last];
}

/**
 * Stores responses answering only the text question, straight into the database, as older code
 * or another way in might have: the text is stored exactly as given, not redacted.
 */
async function storeDirectly(texts: string[], language = 'en'): Promise<void> {
  const q = (await t
    .db('questionnaires')
    .where('slug', DEMO)
    .first('id', 'published_version_id')) as {
    id: string;
    published_version_id: string;
  };
  await t.deps.repositories.responses.insertMany(
    texts.map((value) => ({
      questionnaireId: q.id,
      id: randomUUID(),
      versionId: q.published_version_id,
      language,
      isoWeek: '2026-W47',
      recordKey: Math.random(),
      receiptHash: randomUUID(),
      rows: [{ questionKey: 'comments', item: '', value, freeText: true }],
    })),
  );
}

const unescape = (html: string) =>
  html
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The texts of the page the browser holds, as a reader sees them. */
const textsOn = (browser: Citizen) =>
  [...browser.html.matchAll(/<li class="text-answers__item"[^>]*>([\s\S]*?)<\/li>/g)].map((m) =>
    unescape(m[1] as string),
  );

/** The address of the page's "previous" or "next" link, if it has one. */
const linkOn = (browser: Citizen, rel: 'prev' | 'next') =>
  new RegExp(`<a class="pagination__link" href="([^"]+)" rel="${rel}">`).exec(browser.html)?.[1];

/** Every page of texts, following the "next" links from the first. */
async function allPages(browser: Citizen): Promise<string[][]> {
  const pages: string[][] = [];
  let next: string | undefined = TEXTS;
  while (next) {
    expect((await browser.get(unescape(next))).status).toBe(200);
    pages.push(textsOn(browser));
    next = linkOn(browser, 'next');
  }
  return pages;
}

beforeAll(async () => {
  t = await createTestApp();
  const country = await demoCountry(t.db);
  await account(t.deps, 'coordinator@example.org', 'coordinator', [country]);
  await account(t.deps, 'analyst@example.org', 'analyst', [country]);
  await account(t.deps, 'admin@example.org', 'admin');
  await account(t.deps, 'elsewhere@example.org', 'coordinator', [country === 'DE' ? 'FR' : 'DE']);
  coordinator = await signedIn(t.app, 'coordinator@example.org');
});
afterAll(async () => t.close());

describe('free-text answers, for the coordinators of the questionnaire’s country', () => {
  it('answers not yet in the published numbers are not shown: the page says no one has answered', async () => {
    markerReceipt = await completeDemo(
      new Citizen(t.app),
      'en',
      answersWith(`${MARKER}: write to me at a@b.org`),
    );
    await completeDemo(new Citizen(t.app), 'pl', answersWith('Proszę o jasne wyniki.'));
    await completeDemo(new Citizen(t.app), 'en', answersWith('A third remark.'));
    const res = await coordinator.get(TEXTS);
    expect(res.status).toBe(200);
    expect(coordinator.html).toContain(
      'No one has answered this question in the published results yet.',
    );
    expect(coordinator.html).not.toContain(MARKER);
    expect(textsOn(coordinator)).toEqual([]);
  });

  it('folded in with the published numbers, fewer than k answers are still not shown, and the page says why', async () => {
    for (let i = 0; i < 9; i++)
      await completeDemo(new Citizen(t.app), 'en', answersWith(undefined));
    expect((await coordinator.get(RESULTS)).status).toBe(200);
    expect(await responsesWaiting(t.db)).toBe(0);
    await coordinator.get(TEXTS);
    expect(coordinator.html).toContain(
      `Fewer than ${K} people have answered this question in the published results so far.`,
    );
    expect(coordinator.html).toContain('<dd class="summary-list__value">&lt;10</dd>');
    expect(coordinator.html).not.toContain(MARKER);
  });

  it('new answers wait for a batch of at least k; then the texts appear, redacted again and escaped, in their language', async () => {
    await storeDirectly([
      'Stored by older code: mail me at direct.insert@example.org or call +48 601 234 567',
      '<script>alert("quokka")</script><img src=x onerror=alert(1)>',
      ...Array.from({ length: 6 }, (_, i) => `Direct remark ${i + 1}`),
    ]);
    await t.deps.results.foldPending();
    await coordinator.get(TEXTS);
    // Eight waiting, fewer than k: nothing moved.
    expect(coordinator.html).toContain(`Fewer than ${K} people`);
    expect(coordinator.html).not.toContain('Direct remark');

    await storeDirectly(['Zdanie po polsku, bez danych kontaktowych.'], 'pl');
    await storeDirectly(['One more remark to make up the batch.']);
    await t.deps.results.foldPending();
    expect((await coordinator.get(TEXTS)).status).toBe(200);
    const html = coordinator.html;
    const texts = textsOn(coordinator);
    expect(texts).toHaveLength(13);
    // The count moves in steps of k, like every published count.
    expect(html).toContain('<dd class="summary-list__value">10</dd>');
    expect(texts).toContain(`${MARKER}: write to me at [email]`);
    expect(texts).toContain('Stored by older code: mail me at [email] or call [phone]');
    expect(html).not.toContain('direct.insert@example.org');
    expect(html).not.toContain('601 234 567');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(&#34;quokka&#34;)&lt;/script&gt;');
    // Polish answers carry their language on an English page; every text reads in its direction.
    expect(html).toContain(
      '<li class="text-answers__item" dir="auto" lang="pl">Proszę o jasne wyniki.</li>',
    );
    expect(html).toContain(
      '<li class="text-answers__item" dir="auto">One more remark to make up the batch.</li>',
    );
    // Nothing that identifies a response or says when it came.
    const ids = (await t.db('responses').pluck('id')) as string[];
    for (const id of ids) expect(html).not.toContain(id);
    expect(html).not.toMatch(/\d{4}-W\d{2}/);
  });

  it('texts come in pages of 50 with previous and next links, each text once, in an order unrelated to their arrival', async () => {
    const numbered = Array.from(
      { length: 110 },
      (_, i) => `Numbered remark ${String(i).padStart(3, '0')}`,
    );
    await storeDirectly(numbered);
    await t.deps.results.foldPending();
    const pages = await allPages(coordinator);
    expect(pages.map((p) => p.length)).toEqual([50, 50, 23]);
    const all = pages.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.filter((x) => x.startsWith('Numbered remark')).sort()).toEqual(numbered);
    const shownNumbers = all.filter((x) => x.startsWith('Numbered remark'));
    expect(shownNumbers).not.toEqual(numbered);

    // The first page has no "previous"; going back from the last page gives the middle one again.
    await coordinator.get(TEXTS);
    expect(linkOn(coordinator, 'prev')).toBeUndefined();
    let next = linkOn(coordinator, 'next') as string;
    await coordinator.get(unescape(next));
    next = linkOn(coordinator, 'next') as string;
    await coordinator.get(unescape(next));
    expect(linkOn(coordinator, 'next')).toBeUndefined();
    await coordinator.get(unescape(linkOn(coordinator, 'prev') as string));
    expect(textsOn(coordinator)).toEqual(pages[1]);
    await coordinator.get(unescape(linkOn(coordinator, 'prev') as string));
    expect(textsOn(coordinator)).toEqual(pages[0]);
    expect(linkOn(coordinator, 'prev')).toBeUndefined();
  });

  it('the order is that of a hash of the response and the question, the same on every visit', async () => {
    const rows = (await t
      .db('answers')
      .where({ question_key: 'comments', item: '' })
      .select('response_id', 'value')) as { response_id: string; value: string }[];
    const position = (id: string) =>
      BigInt.asIntN(
        64,
        BigInt(`0x${createHash('md5').update(`${id}comments`).digest('hex').slice(0, 16)}`),
      );
    const expected = rows
      .map((r) => ({ at: position(r.response_id), value: r.value }))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
      .slice(0, 50)
      .map((r) => redact(r.value));
    await coordinator.get(TEXTS);
    expect(textsOn(coordinator)).toEqual(expected);
    await coordinator.get(TEXTS);
    expect(textsOn(coordinator)).toEqual(expected);
  });

  it('pages walk the index of text positions and the count reads an index only, so any page costs the same', async () => {
    const queries: { sql: string; bindings: Knex.RawBinding[] }[] = [];
    const listen = (q: { sql: string; bindings: Knex.RawBinding[] }) => queries.push(q);
    t.db.on('query', listen);
    await coordinator.get(TEXTS);
    await coordinator.get(unescape(linkOn(coordinator, 'next') as string));
    const { id } = (await t.db('questionnaires').where('slug', DEMO).first('id')) as { id: string };
    await t.deps.repositories.texts.answered(id, 'comments');
    t.db.off('query', listen);
    const plan = (query: { sql: string; bindings: Knex.RawBinding[] }) =>
      t.db.transaction(async (trx) => {
        // On tables this small scanning and sorting is cheaper; what matters is that an index fits.
        await trx.raw('set local enable_seqscan = off');
        await trx.raw('set local enable_bitmapscan = off');
        await trx.raw('set local enable_sort = off');
        // The logged statement numbers its parameters ($1, $2...) in order; knex takes "?".
        const sql = query.sql.replace(/\$\d+/g, '?');
        const rows = (await trx.raw(`explain ${sql}`, query.bindings)).rows as {
          'QUERY PLAN': string;
        }[];
        return rows.map((r) => r['QUERY PLAN']).join('\n');
      });
    const reads = queries.filter((q) => /from answers a/.test(q.sql));
    const pages = reads.filter((q) => /order by/.test(q.sql));
    expect(pages).toHaveLength(2);
    for (const page of pages)
      expect(await plan(page)).toMatch(
        /Index Scan.* using answers_free_text_position_idx on answers/,
      );
    const count = reads.filter((q) => /count\(\*\)/.test(q.sql)).at(-1);
    expect(await plan(count!)).toMatch(/Index Only Scan using \w+ on answers a\b/);
  });

  it('the results page links coordinators of the country to the texts; analysts only read that text is not counted', async () => {
    await coordinator.get(RESULTS);
    expect(coordinator.html).toContain(
      `<a href="${TEXTS}">Read the free-text answers to this question</a>`,
    );
    const analyst = await signedIn(t.app, 'analyst@example.org');
    await analyst.get(RESULTS);
    expect(analyst.html).not.toContain(`${TEXTS}"`);
    expect(analyst.html).toContain('Free-text answers are not counted here.');
  });

  it('analysts and administrators are refused, other countries’ coordinators do not find the page', async () => {
    const analyst = await signedIn(t.app, 'analyst@example.org');
    expect((await analyst.get(TEXTS)).status).toBe(403);
    expect(analyst.html).not.toContain(MARKER);
    const admin = await signedIn(t.app, 'admin@example.org');
    expect((await admin.get(TEXTS)).status).toBe(403);
    expect(admin.html).not.toContain(MARKER);
    const elsewhere = await signedIn(t.app, 'elsewhere@example.org');
    expect((await elsewhere.get(TEXTS)).status).toBe(404);
    expect(elsewhere.html).not.toContain(MARKER);
  });

  it('a bad place, an unknown or non-text question gives a page in the reader’s language, never a server error', async () => {
    const polish = await signedIn(t.app, 'coordinator@example.org');
    await polish.get('/pl/');
    for (const query of [
      '?after=zz',
      '?after=00&before=00',
      `?after=${'0'.repeat(16)}&before=${'f'.repeat(16)}`,
      '?page=2',
      '?after=1&after=2',
    ]) {
      expect((await polish.get(`${TEXTS}${query}`)).status, query).toBe(400);
      expect(polish.html).toContain('lang="pl"');
      expect(polish.html).toContain('nie udało się odczytać');
    }
    for (const question of ['nothing_here', 'age', '%00', 'a'.repeat(500)]) {
      expect((await polish.get(`${RESULTS}/texts/${question}`)).status, question).toBe(404);
    }
    expect((await polish.get(`${TEXTS}?after=${'f'.repeat(16)}`)).status).toBe(200);
    expect((await polish.get(`${TEXTS}?before=${'8'.repeat(16)}`)).status).toBe(200);
    expect((await polish.get(`/admin/questionnaires/nope/results/texts/comments`)).status).toBe(
      404,
    );
  });

  it('every reading is recorded in the audit log, without the texts', async () => {
    const entries = (await t.db('audit_log').where('action', 'results-texts-view')) as {
      actor_email: string;
      target: string;
      details: Record<string, unknown>;
    }[];
    expect(entries.length).toBeGreaterThan(5);
    for (const e of entries) {
      expect(e.actor_email).toBe('coordinator@example.org');
      expect(e.target).toBe(DEMO);
      expect(e.details).toEqual({ question: 'comments' });
    }
    const log = JSON.stringify(await t.db('audit_log').select('*'));
    expect(log).not.toContain(MARKER);
    expect(log).not.toContain('remark');
  });
});

/** Downloads a file as bytes, which must have been served. */
async function download(browser: Citizen, path: string): Promise<Buffer> {
  const { res, data } = await downloadBytes(browser, path);
  expect(res.status, path).toBe(200);
  return data;
}

/** Every text of a download: the file itself, or every cell of every sheet of a workbook. */
async function textOf(format: string, data: Buffer): Promise<string> {
  if (format !== 'xlsx') return data.toString('utf8');
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(data as unknown as ArrayBuffer);
  const cells: string[] = [];
  for (const sheet of workbook.worksheets)
    sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.text))));
  expect(cells.length).toBeGreaterThan(10);
  return cells.join('\n');
}

describe('free text never leaves in an export', () => {
  for (const by of ['', '$language', 'age']) {
    for (const format of ['csv', 'xlsx', 'json'] as const) {
      it(`results as ${format}${by ? ` by ${by}` : ''} hold no free text`, async () => {
        const query = by === '' ? '' : `&by=${encodeURIComponent(by)}`;
        const text = await textOf(
          format,
          await download(coordinator, `${RESULTS}/export?format=${format}${query}`),
        );
        expect(text).toContain('familiarity');
        for (const secret of [MARKER, 'Direct remark', 'Numbered remark', 'quokka', '[email]'])
          expect(text).not.toContain(secret);
      });
    }
  }

  for (const format of ['csv', 'xlsx', 'json'] as const) {
    it(`the codebook as ${format} holds no free text`, async () => {
      const text = await textOf(
        format,
        await download(coordinator, `${RESULTS}/codebook?format=${format}`),
      );
      for (const secret of [MARKER, 'Direct remark', 'Numbered remark', 'quokka'])
        expect(text).not.toContain(secret);
    });
  }

  it('the maintained aggregates hold no free text, neither after a fold nor after a withdrawal', async () => {
    const withdrawer = new Citizen(t.app);
    await withdrawer.get('/en/withdraw');
    expect((await withdrawer.post('/en/withdraw', { code: markerReceipt })).status).toBeLessThan(
      400,
    );
    expect(await t.db('result_adjustments').countDistinct('withdrawal_id as n').first()).toEqual({
      n: '1',
    });
    for (const table of ['result_cells', 'result_adjustments']) {
      const texts = await t
        .db(table)
        .where('value', 'like', '%remark%')
        .orWhere('value', 'like', `%${MARKER}%`)
        .orWhere('value', 'like', '%quokka%')
        .count('* as n')
        .first();
      expect(texts, table).toEqual({ n: '0' });
    }
    expect(
      await t.db('result_cells').where('question_key', 'comments').count('* as n').first(),
    ).toEqual({
      n: '0',
    });
  });
});

describe('free text and the questionnaire’s results settings', () => {
  it('the questionnaire’s own k decides when texts are shown', async () => {
    await t.db('questionnaires').where('slug', DEMO).update({ disclosure_threshold: 200 });
    await coordinator.get(TEXTS);
    expect(coordinator.html).toContain('Fewer than 200 people have answered this question');
    expect(textsOn(coordinator)).toEqual([]);
    await t.db('questionnaires').where('slug', DEMO).update({ disclosure_threshold: K });
    await coordinator.get(TEXTS);
    expect(textsOn(coordinator)).toHaveLength(50);
  });

  it('the public results page holds no free text', async () => {
    await t.db('questionnaires').where('slug', DEMO).update({ results_public: 'live' });
    for (const by of ['', '$language', 'age']) {
      const visitor = new Citizen(t.app);
      const res = await visitor.get(`/en/q/${DEMO}/results?by=${encodeURIComponent(by)}`);
      expect(res.status).toBe(200);
      expect(visitor.html).toContain('<table');
      for (const secret of [MARKER, 'Direct remark', 'Numbered remark', 'quokka', '[email]'])
        expect(visitor.html).not.toContain(secret);
    }
  });

  it('once retention has deleted the answers, the page says so and shows none', async () => {
    await t
      .db('questionnaires')
      .where('slug', DEMO)
      .update({ status: 'closed', closed_at: t.db.raw("now() - interval '2 days'") });
    await t.db('questionnaires').where('slug', DEMO).update({ retention_days: 1 });
    expect(await t.deps.results.applyRetention()).toBeGreaterThan(100);
    expect((await coordinator.get(TEXTS)).status).toBe(200);
    expect(coordinator.html).toContain('free text included, were deleted after it closed');
    expect(textsOn(coordinator)).toEqual([]);
    expect(coordinator.html).not.toContain('rel="next"');
  });
});
