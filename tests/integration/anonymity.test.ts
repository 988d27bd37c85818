import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen, completeDemo, DEMO, DEMO_ANSWERS } from '../helpers/citizen.js';
import { account, questionnaireFor } from '../helpers/coordinator.js';
import { storedAnswers } from '../helpers/seed.js';

/**
 * DESIGN.md §4.1: what is stored with an answer is only the answers (banded, redacted), the
 * version, the language, a random id, the ISO week and a random record key.
 */
let t: TestApp;
const IP = '203.0.113.77';
const USER_AGENT = 'SpyBrowser/9.9 (unique-agent-marker)';
const REFERRER = 'https://tracker.example/unique-referrer-marker';
const BY_CODE = 'pl-by-invitation';
let receipt = '';
let accessCode = '';

/** A whole journey on an access-code questionnaire, with a code made for it. */
async function answerWithAccessCode(citizen: Citizen): Promise<string> {
  const admin = await account(t.deps, 'admin@example.org', 'admin');
  await questionnaireFor(t.deps, BY_CODE, 'PL', { mode: 'access-code' });
  const [code] = await t.deps.accessCodes.generate(admin, BY_CODE, 1);
  await citizen.get(`/pl/q/${BY_CODE}`);
  await citizen.post(`/pl/q/${BY_CODE}/start`, { code: code! });
  for (const [i, fields] of DEMO_ANSWERS.entries())
    await citizen.answer('pl', i + 1, fields, 'next', BY_CODE);
  await citizen.get(`/pl/q/${BY_CODE}/check`);
  const submitted = await citizen.post(`/pl/q/${BY_CODE}/submit`);
  if (submitted.status !== 303) throw new Error(`submit answered ${submitted.status}`);
  return code!;
}

beforeAll(async () => {
  t = await createTestApp();
  const citizen = new Citizen(t.app, {
    'X-Forwarded-For': IP,
    'User-Agent': USER_AGENT,
    Referer: REFERRER,
  });
  receipt = await completeDemo(citizen, 'pl');
  accessCode = await answerWithAccessCode(citizen);
});
afterAll(async () => t.close());

const RESPONSE_TABLES = ['responses', 'answers', 'responses_waiting'];
/**
 * Counts per answer and breakdown group, withdrawals waiting for the next batch, and abandoned
 * starts waiting for theirs.
 */
const AGGREGATE_TABLES = ['result_cells', 'result_adjustments', 'result_abandoned_pending'];

describe('anonymity by construction', () => {
  it('aggregate tables hold counts and key sums per answer and group, never a response or a time', async () => {
    const columns = (await t
      .db('information_schema.columns')
      .whereIn('table_name', AGGREGATE_TABLES)
      .andWhere('table_schema', 'public')
      .select('table_name', 'column_name')
      .orderBy(['table_name', 'column_name'])) as { table_name: string; column_name: string }[];
    const shared = ['count', 'dimension', 'group_value', 'item', 'key_sum', 'question_key'];
    const expected = (table: string, extra: string[] = []) =>
      [...shared, 'questionnaire_id', 'value', ...extra].sort().map((c) => `${table}.${c}`);
    expect(columns.map((c) => `${c.table_name}.${c.column_name}`)).toEqual([
      // Per questionnaire a count and a key sum: no draft, no time.
      'result_abandoned_pending.count',
      'result_abandoned_pending.key_sum',
      'result_abandoned_pending.questionnaire_id',
      // A random id per withdrawal, so pending withdrawals can be counted; it names no response.
      ...expected('result_adjustments', ['withdrawal_id']),
      ...expected('result_cells'),
    ]);
  });

  it('response tables have only the allowed columns, none of them a time, IP, agent, session or sequence', async () => {
    const columns = await t
      .db('information_schema.columns')
      .whereIn('table_name', RESPONSE_TABLES)
      .andWhere('table_schema', 'public')
      .select('table_name', 'column_name', 'data_type', 'column_default')
      .orderBy(['table_name', 'column_name']);
    const names = columns.map((c) => `${c.table_name}.${c.column_name}`);
    expect(names).toEqual([
      // Whether the answer is the citizen's own words (a free-text question): never counted.
      'answers.free_text',
      'answers.item',
      'answers.ordinal',
      'answers.question_key',
      'answers.questionnaire_id',
      'answers.response_id',
      'answers.value',
      // The response's answers, as rows of [question_key, item, value, free_text], in one column.
      'responses.answer_rows',
      'responses.id',
      'responses.iso_week',
      'responses.language',
      'responses.questionnaire_id',
      'responses.receipt_hash',
      'responses.record_key',
      'responses.version_id',
      // Responses not yet in the published results (folded in batches of k): nothing else.
      'responses_waiting.questionnaire_id',
      'responses_waiting.response_id',
    ]);
    for (const column of columns) {
      expect(column.data_type, `${column.column_name} must not be a time`).not.toMatch(
        /time|date|interval|inet|cidr/,
      );
      expect(
        String(column.column_default ?? ''),
        `${column.column_name} must not be a sequence`,
      ).not.toMatch(/nextval|now\(\)/);
      expect(column.column_name).not.toMatch(
        /(^|_)(ip|ip_address|address|agent|user_agent|referr\w*|session\w*|created_at|updated_at|timestamp|email|cookie)($|_)/,
      );
    }
  });

  it('the stored response holds the ISO week, the language and a random id and key only', async () => {
    const [response] = await t.db('responses').select('*');
    expect(response.iso_week).toMatch(/^\d{4}-W\d{2}$/);
    expect(response.language).toBe('pl');
    expect(response.id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(response.record_key).toBeGreaterThanOrEqual(0);
    expect(response.record_key).toBeLessThan(1);
    expect(response.receipt_hash).not.toContain(receipt);
    expect(response.receipt_hash).not.toContain(receipt.replace(/-/g, ''));
  });

  it('nothing anywhere in the database holds the IP, user agent, referrer or receipt code', async () => {
    const tables = await t
      .db('information_schema.tables')
      .where('table_schema', 'public')
      .pluck('table_name');
    for (const table of tables) {
      const rows = await t.db(table).select('*');
      const dump = JSON.stringify(rows);
      for (const secret of [
        IP,
        USER_AGENT,
        'unique-referrer-marker',
        receipt,
        accessCode,
        accessCode.replace(/-/g, ''),
      ]) {
        expect(dump, `${table} contains ${secret}`).not.toContain(secret);
      }
    }
  });

  it('access codes are kept only as a keyed hash and a used flag: no time, no order, no link to responses', async () => {
    const columns = await t
      .db('information_schema.columns')
      .where({ table_name: 'access_codes', table_schema: 'public' })
      .orderBy('column_name')
      .select('column_name', 'data_type', 'column_default');
    expect(columns.map((c) => `${c.column_name} ${c.data_type}`)).toEqual([
      'code_hash text',
      'questionnaire_id uuid',
      'used boolean',
    ]);
    const [code] = await t.db('access_codes').select('code_hash', 'used');
    expect(code.used).toBe(true);
    expect(code.code_hash).toMatch(/^[0-9a-f]{64}$/);

    const links = await t.db.raw<{ rows: { child: string; parent: string }[] }>(
      `select conrelid::regclass::text as child, confrelid::regclass::text as parent
         from pg_constraint where contype = 'f'`,
    );
    for (const table of RESPONSE_TABLES) {
      const parents = links.rows.filter((l) => l.child === table).map((l) => l.parent);
      expect(parents, `${table} must not reference access codes`).not.toContain('access_codes');
      const dump = JSON.stringify(await t.db(table).select('*'));
      expect(dump, `${table} holds the code's hash`).not.toContain(code.code_hash);
    }
    expect(links.rows.filter((l) => l.parent === 'access_codes').map((l) => l.child)).toEqual([
      'drafts',
    ]);
  });

  it('numbers are stored as bands and free text is redacted', async () => {
    // In the response's row, and in the rows of free-text answers.
    // (Only the answers' own columns: a random uuid may well hold "37".)
    expect(
      JSON.stringify(await t.db('answers').select('question_key', 'item', 'value')),
    ).not.toContain('37');
    const answers = await storedAnswers(t.db)
      .select('question_key', 'item', 'value')
      .orderBy('ordinal');
    const age = answers.find((a) => a.question_key === 'age');
    expect(age?.value).toBe('age_35_44');
    expect(JSON.stringify(answers)).not.toContain('37');
    const comments = answers.find((a) => a.question_key === 'comments')?.value as string;
    expect(comments).toContain('[email]');
    expect(comments).toContain('[phone]');
    expect(comments).toContain('[number]');
    expect(comments).not.toMatch(/kowalski@|601 234 567|61109010140000071219812874/);
  });

  it('the draft is deleted on submission', async () => {
    expect(Number((await t.db('drafts').count('* as n').first())?.n)).toBe(0);
  });

  it('logs carry no IP, user agent, referrer, answers or codes', () => {
    const logs = t.logs.join('\n');
    expect(t.logs.length).toBeGreaterThan(5);
    for (const secret of [
      IP,
      USER_AGENT,
      'unique-referrer-marker',
      receipt,
      accessCode,
      'somewhat_familiar',
      'kowalski',
    ]) {
      expect(logs).not.toContain(secret);
    }
  });

  it('the only cookies are the strictly necessary draft, CSRF and language ones, session-only and HttpOnly', async () => {
    const citizen = new Citizen(t.app);
    const start = await citizen.get(`/en/q/${DEMO}`);
    const began = await citizen.post(`/en/q/${DEMO}/start`);
    const cookies = [
      ...(start.headers['set-cookie'] ?? []),
      ...(began.headers['set-cookie'] ?? []),
    ] as string[];
    expect(cookies.length).toBeGreaterThan(0);
    for (const cookie of cookies) {
      expect(cookie).toMatch(/^consulta_(csrf|lang|draft_genomic-data-sharing)=/);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).not.toMatch(/Expires|Max-Age/);
    }
  });
});

describe('errors that are logged', () => {
  // knex's PostgreSQL dialect puts the statement into an error's message with its numbered
  // placeholders ($1), not the values bound to them, which can be a citizen's answers.
  it('name a failed statement with its placeholders, never the answers bound to it', async () => {
    const answer = 'my very own answer 4711';
    const error = (await t
      .db('answers')
      .where('no_such_column', answer)
      .first()
      .catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toMatch(/no_such_column/);
    expect(error.message).not.toContain(answer);
  });
});
