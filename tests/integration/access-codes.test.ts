import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { hashAccessCode, normaliseAccessCode } from '../../src/domain/access-codes.js';
import { answeringService } from '../../src/services/answering.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen, DEMO, DEMO_ANSWERS } from '../helpers/citizen.js';
import { account, questionnaireFor, signedIn } from '../helpers/coordinator.js';

let t: TestApp;
let coordinator: Citizen;
const SLUG = 'pl-by-invitation';
const OPEN = 'pl-open';
const CODE_SHAPE = /^[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}$/;

beforeAll(async () => {
  t = await createTestApp();
  await questionnaireFor(t.deps, SLUG, 'PL', { mode: 'access-code' });
  await questionnaireFor(t.deps, OPEN, 'PL');
  await account(t.deps, 'pl@example.org', 'coordinator', ['PL']);
  await account(t.deps, 'de@example.org', 'coordinator', ['DE']);
  await account(t.deps, 'analyst@example.org', 'analyst', ['PL']);
  coordinator = await signedIn(t.app, 'pl@example.org');
});
afterAll(async () => t.close());

/** Generates codes through the questionnaire page's form; returns the response. */
async function generate(browser: Citizen, count: string, slug = SLUG) {
  await browser.get(`/admin/questionnaires/${slug}`);
  return browser.post(`/admin/questionnaires/${slug}/access-codes`, { count });
}

async function newCodes(count: number): Promise<string[]> {
  const res = await generate(coordinator, String(count));
  expect(res.status).toBe(200);
  return res.text.trim().split(/\r?\n/).slice(1);
}

/** Starts with a code, answers every section and reaches the check page. */
async function answerAll(citizen: Citizen, lang: string, code: string, slug = SLUG) {
  await citizen.get(`/${lang}/q/${slug}`);
  const started = await citizen.post(`/${lang}/q/${slug}/start`, { code });
  expect(started.status, citizen.html.slice(0, 500)).toBe(303);
  for (const [i, fields] of DEMO_ANSWERS.entries()) {
    expect((await citizen.answer(lang, i + 1, fields, 'next', slug)).status).toBe(303);
  }
  await citizen.get(`/${lang}/q/${slug}/check`);
}

const usedCount = async () =>
  Number((await t.db('access_codes').where('used', true).count('* as n').first())?.n);
const responseCount = async (slug = SLUG) =>
  Number(
    (
      await t
        .db('responses as r')
        .join('questionnaires as q', 'q.id', 'r.questionnaire_id')
        .where('q.slug', slug)
        .count('* as n')
        .first()
    )?.n,
  );

describe('a coordinator generating access codes', () => {
  it('gets a CSV of 5 distinct well-formed codes once, stored only as keyed hashes, and audited', async () => {
    const res = await generate(coordinator, '5');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toMatch(
      new RegExp(`^attachment; filename="?${SLUG}-access-codes\\.csv"?$`),
    );
    expect(res.headers['cache-control']).toBe('no-store');
    const [header, ...codes] = res.text.trim().split(/\r?\n/);
    expect(header).toBe('code');
    expect(codes).toHaveLength(5);
    expect(new Set(codes).size).toBe(5);
    for (const code of codes) expect(code).toMatch(CODE_SHAPE);

    const tables = await t
      .db('information_schema.tables')
      .where('table_schema', 'public')
      .pluck('table_name');
    for (const table of tables) {
      const dump = JSON.stringify(await t.db(table).select('*'));
      for (const code of codes) {
        expect(dump, `${table} holds ${code}`).not.toContain(code);
        expect(dump, `${table} holds ${code}`).not.toContain(code.replace(/-/g, ''));
      }
    }
    const stored = await t.db('access_codes').select('code_hash', 'used');
    expect(stored).toHaveLength(5);
    expect(stored.every((row) => /^[0-9a-f]{64}$/.test(row.code_hash) && !row.used)).toBe(true);

    const audit = await t.db('audit_log').where('action', 'access-codes-generate');
    expect(audit).toHaveLength(1);
    expect(audit[0].target).toBe(SLUG);
    expect(audit[0].details).toEqual({ count: 5 });
  });

  it('sees the counts passed through disclosure control, and the warning that codes are shown once', async () => {
    await coordinator.get(`/admin/questionnaires/${SLUG}`);
    expect(coordinator.html).toContain('Access codes');
    expect(coordinator.html).toMatch(
      /Codes generated<\/dt><dd class="summary-list__value">&lt;10</,
    );
    expect(coordinator.html).toMatch(/Codes used<\/dt><dd class="summary-list__value">0</);
    expect(coordinator.html).toContain('shown only once');
    await newCodes(12);
    await coordinator.get(`/admin/questionnaires/${SLUG}`);
    expect(coordinator.html).toMatch(/Codes generated<\/dt><dd class="summary-list__value">10</);
  });

  it.each([
    ['0', '0'],
    ['10001', '10001'],
    ['abc', 'abc'],
    ['', ''],
  ])('refuses %j codes with the error on the page and 400', async (count, shown) => {
    const before = Number((await t.db('access_codes').count('* as n').first())?.n);
    const res = await generate(coordinator, count);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(coordinator.html).toMatch(/<title>Error: /);
    expect(coordinator.html).toContain('href="#count"');
    expect(coordinator.html).toContain('Enter a whole number from 1 to 10,000');
    expect(coordinator.html).toContain(
      `id="count" name="count" type="text" inputmode="numeric" value="${shown}"`,
    );
    expect(Number((await t.db('access_codes').count('* as n').first())?.n)).toBe(before);
  });

  it('the error is in the coordinator’s language', async () => {
    await coordinator.get('/language/pl?next=/admin/questionnaires');
    const res = await generate(coordinator, 'abc');
    const html = coordinator.html;
    await coordinator.get('/language/en?next=/admin/questionnaires');
    expect(res.status).toBe(400);
    expect(html).toContain('Wpisz liczbę całkowitą od 1 do');
  });

  it('analysts and coordinators of other countries cannot generate codes', async () => {
    const before = Number((await t.db('access_codes').count('* as n').first())?.n);
    const analyst = await signedIn(t.app, 'analyst@example.org');
    await analyst.get(`/admin/questionnaires/${SLUG}`);
    expect(analyst.html).toContain('Codes generated');
    expect(analyst.html).not.toContain('name="count"');
    expect(
      (await analyst.post(`/admin/questionnaires/${SLUG}/access-codes`, { count: '3' })).status,
    ).toBe(403);
    const german = await signedIn(t.app, 'de@example.org');
    await german.get('/admin/questionnaires');
    expect(
      (await german.post(`/admin/questionnaires/${SLUG}/access-codes`, { count: '3' })).status,
    ).toBe(404);
    expect(
      (await german.post(`/admin/questionnaires/${SLUG}/access-codes`, { count: 'x' })).status,
    ).toBe(404);
    expect(Number((await t.db('access_codes').count('* as n').first())?.n)).toBe(before);
  });

  it('an open questionnaire has no access-code section and refuses to generate codes', async () => {
    await coordinator.get(`/admin/questionnaires/${OPEN}`);
    expect(coordinator.html).not.toContain('Codes generated');
    expect((await generate(coordinator, '3', OPEN)).status).toBe(400);
  });
});

describe('a citizen answering with an access code', () => {
  it('the start page asks for the code with a labelled field and no honeypot', async () => {
    const citizen = new Citizen(t.app);
    expect((await citizen.get(`/en/q/${SLUG}`)).status).toBe(200);
    expect(citizen.html).toMatch(/<label class="label label--s" for="code">Access code<\/label>/);
    expect(citizen.html).toMatch(
      /id="code" name="code" type="text" value="" autocomplete="off"[^>]* spellcheck="false"/,
    );
    expect(citizen.html).not.toContain('name="website"');
  });

  it('starts with a valid code, submits, and the code is then used; the response holds nothing of it', async () => {
    const [code] = await newCodes(1);
    const usedBefore = await usedCount();
    const citizen = new Citizen(t.app);
    await answerAll(citizen, 'en', code!);
    const draft = await t.db('drafts').whereNotNull('access_code_hash').first();
    expect(draft.access_code_hash).toMatch(/^[0-9a-f]{64}$/);
    const responsesBefore = await responseCount();
    const submitted = await citizen.post(`/en/q/${SLUG}/submit`);
    expect(submitted.status).toBe(303);
    expect(submitted.headers.location).toBe(`/en/q/${SLUG}/done`);
    expect(await responseCount()).toBe(responsesBefore + 1);
    expect(await usedCount()).toBe(usedBefore + 1);
    expect(
      (await t.db('access_codes').where('code_hash', draft.access_code_hash).first()).used,
    ).toBe(true);
    expect(await t.db('drafts').where('token_hash', draft.token_hash).first()).toBeUndefined();
    const dump = JSON.stringify([
      await t.db('responses').select('*'),
      await t.db('answers').select('*'),
    ]);
    expect(dump).not.toContain(draft.access_code_hash);

    const again = new Citizen(t.app);
    await again.get(`/en/q/${SLUG}`);
    const reuse = await again.post(`/en/q/${SLUG}/start`, { code: code! });
    expect(reuse.status).toBe(400);
    expect(again.html).toContain('This code is not valid or has already been used');
  });

  it('accepts the code in lower case with spaces', async () => {
    const [code] = await newCodes(1);
    const citizen = new Citizen(t.app);
    await citizen.get(`/en/q/${SLUG}`);
    const typed = ` ${code!.toLowerCase().replace(/-/g, ' ')} `;
    const res = await citizen.post(`/en/q/${SLUG}/start`, { code: typed });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/en/q/${SLUG}/s/1`);
  });

  it('a wrong code gets the start page again with a 400, an error summary and the field error in Polish, and no draft', async () => {
    const drafts = Number((await t.db('drafts').count('* as n').first())?.n);
    const citizen = new Citizen(t.app);
    await citizen.get(`/pl/q/${SLUG}`);
    const res = await citizen.post(`/pl/q/${SLUG}/start`, { code: 'K7QM-4XTR-9PHW-2CNA' });
    expect(res.status).toBe(400);
    expect(citizen.html).toMatch(/<title>Błąd: /);
    expect(citizen.html).toContain(
      '<a href="#code">Ten kod jest nieprawidłowy lub został już użyty</a>',
    );
    expect(citizen.html).toMatch(
      /id="code-error">.*Ten kod jest nieprawidłowy lub został już użyty/,
    );
    expect(citizen.html).toContain('value="K7QM-4XTR-9PHW-2CNA"');
    expect(Number((await t.db('drafts').count('* as n').first())?.n)).toBe(drafts);

    await citizen.post(`/pl/q/${SLUG}/start`, { code: '' });
    expect(citizen.html).toContain('Wpisz kod dostępu z listu');
    await citizen.post(`/pl/q/${SLUG}/start`, { code: '0000-1111' });
    expect(citizen.html).toContain('16 liter i cyfr');
    await citizen.post(`/pl/q/${SLUG}/start`);
    expect(citizen.html).toContain('Wpisz kod dostępu z listu');
  });

  it('two drafts started with the same code: the second submission is refused and the first response is kept', async () => {
    const [code] = await newCodes(1);
    const first = new Citizen(t.app);
    const second = new Citizen(t.app);
    await answerAll(first, 'en', code!);
    await answerAll(second, 'pl', code!);
    const before = await responseCount();
    expect((await first.post(`/en/q/${SLUG}/submit`)).status).toBe(303);
    const refused = await second.post(`/pl/q/${SLUG}/submit`);
    expect(refused.status).toBe(409);
    expect(second.html).toContain('Ten kod dostępu został już użyty');
    expect(await responseCount()).toBe(before + 1);
    expect((await t.db('responses').select('language')).map((r) => r.language)).not.toContain('pl');
    // The refused draft is kept, as it was.
    expect((await second.get(`/pl/q/${SLUG}/check`)).status).toBe(200);
  });

  it('resuming with a resume code keeps the access code, which is used on submission', async () => {
    const [code] = await newCodes(1);
    const citizen = new Citizen(t.app);
    await citizen.get(`/en/q/${SLUG}`);
    await citizen.post(`/en/q/${SLUG}/start`, { code: code! });
    await citizen.answer('en', 1, DEMO_ANSWERS[0]!, 'save', SLUG);
    await citizen.get(`/en/q/${SLUG}/saved`);
    const resumeCode = /id="resume-code"><strong>([0-9A-Z-]+)</.exec(citizen.html)?.[1];
    expect(resumeCode).toBeDefined();
    const later = new Citizen(t.app);
    await later.get(`/en/q/${SLUG}/resume`);
    expect((await later.post(`/en/q/${SLUG}/resume`, { code: resumeCode! })).status).toBe(303);
    for (const [i, fields] of DEMO_ANSWERS.entries()) {
      expect((await later.answer('en', i + 1, fields, 'next', SLUG)).status).toBe(303);
    }
    const usedBefore = await usedCount();
    await later.get(`/en/q/${SLUG}/check`);
    expect((await later.post(`/en/q/${SLUG}/submit`)).status).toBe(303);
    expect(await usedCount()).toBe(usedBefore + 1);
  });

  it('withdrawing the answers does not free the code', async () => {
    const [code] = await newCodes(1);
    const citizen = new Citizen(t.app);
    await answerAll(citizen, 'en', code!);
    const done = await citizen.post(`/en/q/${SLUG}/submit`);
    await citizen.get(done.headers.location as string);
    const receipt = /id="receipt-code"><strong>([0-9A-Z-]+)</.exec(citizen.html)?.[1];
    await citizen.get('/en/withdraw');
    expect((await citizen.post('/en/withdraw', { code: receipt! })).status).toBe(303);
    const again = new Citizen(t.app);
    await again.get(`/en/q/${SLUG}`);
    expect((await again.post(`/en/q/${SLUG}/start`, { code: code! })).status).toBe(400);
  });

  it('an open questionnaire ignores codes', async () => {
    const citizen = new Citizen(t.app);
    await citizen.get(`/en/q/${OPEN}`);
    expect(citizen.html).not.toContain('name="code"');
    expect(citizen.html).toContain('name="website"');
    const res = await citizen.post(`/en/q/${OPEN}/start`, { code: 'K7QM-4XTR-9PHW-2CNA' });
    expect(res.status).toBe(303);
    expect((await citizen.get(`/en/q/${OPEN}/s/1`)).status).toBe(200);
    const drafts = await t
      .db('drafts as d')
      .join('questionnaires as q', 'q.id', 'd.questionnaire_id')
      .where('q.slug', OPEN)
      .select('d.access_code_hash');
    expect(drafts).toEqual([{ access_code_hash: null }]);
    expect((await new Citizen(t.app).begin('en', DEMO)).status).toBe(303);
  });
});

/** Rows of access_codes and responses written by one transaction: what ties a code to answers. */
async function linkedByTransactionId(): Promise<number> {
  const result = (await t.db.raw(
    'select count(*)::int as n from access_codes a join responses r on r.xmin::text = a.xmin::text',
  )) as { rows: { n: number }[] };
  return result.rows[0]!.n;
}

const questionnaireId = async (slug: string): Promise<string> =>
  ((await t.db('questionnaires').where('slug', slug).first('id')) as { id: string }).id;

/** Transaction ids (xmin) of the questionnaire's used codes, by code hash. */
async function usedXmins(slug: string): Promise<Map<string, string>> {
  const rows = (await t
    .db('access_codes')
    .where({ questionnaire_id: await questionnaireId(slug), used: true })
    .select('code_hash', t.db.raw('xmin::text as xmin'))) as { code_hash: string; xmin: string }[];
  return new Map(rows.map((row) => [row.code_hash, row.xmin]));
}

/** Answers with a fresh code and submits; returns the hash of the code that was used. */
async function submitWithNewCode(app = t.app): Promise<string> {
  const [code] = await newCodes(1);
  const citizen = new Citizen(app);
  await answerAll(citizen, 'en', code!);
  const submitted = await citizen.post(`/en/q/${SLUG}/submit`);
  expect(submitted.status).toBe(303);
  expect(submitted.headers.location).toBe(`/en/q/${SLUG}/done`);
  return hashAccessCode(
    t.deps.settings.secret,
    await questionnaireId(SLUG),
    normaliseAccessCode(code!)!,
  );
}

describe('no link between a code and its response through the transaction id', () => {
  it('after submissions, no code row shares its transaction id with a response, and each code is used once', async () => {
    const usedBefore = await usedCount();
    const responsesBefore = await responseCount();
    const hashes: string[] = [];
    for (let i = 0; i < 3; i++) hashes.push(await submitWithNewCode());
    expect(await responseCount()).toBe(responsesBefore + 3);
    expect(await usedCount()).toBe(usedBefore + 3);
    expect(await linkedByTransactionId()).toBe(0);
    // The last code was written again with its peers: its transaction id is theirs too.
    const xmins = await usedXmins(SLUG);
    const last = xmins.get(hashes[2]!);
    expect([...xmins.values()].filter((xmin) => xmin === last).length).toBeGreaterThan(1);
    for (const hash of hashes)
      expect(
        await t.db('access_codes').where({ code_hash: hash, used: true }).count('* as n').first(),
      ).toEqual({ n: '1' });
  });

  it('the full rewrite gives all used codes of a questionnaire one transaction id and changes nothing else', async () => {
    const id = await questionnaireId(SLUG);
    // Codes used one by one, each in its own transaction (as batches leave them over time).
    for (const hash of await t
      .db('access_codes')
      .where({ questionnaire_id: id, used: false })
      .limit(4)
      .pluck('code_hash'))
      await t
        .db('access_codes')
        .where({ questionnaire_id: id, code_hash: hash })
        .update({ used: true });
    expect(new Set((await usedXmins(SLUG)).values()).size).toBeGreaterThan(1);
    const counts = await t.deps.repositories.accessCodes.counts(id);
    const unused = await t
      .db('access_codes')
      .where({ questionnaire_id: id, used: false })
      .select('code_hash', t.db.raw('xmin::text as xmin'));

    const rewritten = await t.deps.repositories.accessCodes.rewriteAllUsed(id);
    expect(rewritten).toBe(counts.used);
    expect(new Set((await usedXmins(SLUG)).values()).size).toBe(1);
    expect(await t.deps.repositories.accessCodes.counts(id)).toEqual(counts);
    expect(
      await t
        .db('access_codes')
        .where({ questionnaire_id: id, used: false })
        .select('code_hash', t.db.raw('xmin::text as xmin')),
    ).toEqual(unused);
    expect(await linkedByTransactionId()).toBe(0);
  });

  it('once a questionnaire no longer accepts answers, housekeeping rewrites its used codes, and leaves open ones alone', async () => {
    const closing = 'pl-closing';
    const q = await questionnaireFor(t.deps, closing, 'PL', { mode: 'access-code' });
    await t.deps.repositories.accessCodes.insert(
      q.id,
      ['a1', 'a2', 'a3', 'a4'].map((h) => h.repeat(32)),
    );
    for (const hash of ['a1', 'a2', 'a3'].map((h) => h.repeat(32)))
      await t
        .db('access_codes')
        .where({ questionnaire_id: q.id, code_hash: hash })
        .update({ used: true });
    expect(new Set((await usedXmins(closing)).values()).size).toBe(3);
    const openBefore = await usedXmins(SLUG);

    expect(await t.deps.repositories.accessCodes.rewriteNotOpen()).toEqual([]);
    expect(new Set((await usedXmins(closing)).values()).size).toBe(3);
    await t.deps.repositories.questionnaires.setStatus(closing, 'closed');
    expect(await t.deps.repositories.accessCodes.rewriteNotOpen()).toEqual([q.id]);
    expect(new Set((await usedXmins(closing)).values()).size).toBe(1);
    expect((await usedXmins(closing)).size).toBe(3);
    // Nothing left to do until a code is used again.
    expect(await t.deps.repositories.accessCodes.rewriteNotOpen()).toEqual([]);
    expect(await usedXmins(SLUG)).toEqual(openBefore);
  });

  it('when the rewrite fails, the answer is still stored and the receipt given; the log names no code', async () => {
    const failing = answeringService({
      ...t.deps.repositories,
      accessCodes: {
        ...t.deps.repositories.accessCodes,
        rewriteUsed: (_questionnaireId: string, codeHash: string) =>
          Promise.reject(
            Object.assign(new Error(`update access_codes … ${codeHash}`), { code: '40P01' }),
          ),
      },
      secret: t.deps.settings.secret,
      draftTtlHours: 24,
      logger: t.deps.logger,
    });
    const app = createApp({ ...t.deps, answering: failing });
    const responsesBefore = await responseCount();
    const usedBefore = await usedCount();
    const logsBefore = t.logs.length;

    const hash = await submitWithNewCode(app);
    expect(await responseCount()).toBe(responsesBefore + 1);
    expect(await usedCount()).toBe(usedBefore + 1);
    const logs = t.logs.slice(logsBefore).join('');
    expect(logs).toContain('rewriting a used access code failed; the response is stored');
    expect(logs).toContain('40P01');
    expect(logs).not.toContain(hash);
    // The link is there until the next rewrite, which removes it.
    expect(await linkedByTransactionId()).toBe(1);
    await t.deps.repositories.accessCodes.rewriteAllUsed(await questionnaireId(SLUG));
    expect(await linkedByTransactionId()).toBe(0);
  });
});

describe('refused codes are rate limited per client', () => {
  it('after the limit of refused codes a client gets 429, and other clients are not affected', async () => {
    const limited = await createTestApp({
      rateLimits: { postsPerMinute: 10_000, submitsPer10Minutes: 3 },
    });
    try {
      await questionnaireFor(limited.deps, SLUG, 'PL', { mode: 'access-code' });
      const citizen = new Citizen(limited.app, { 'X-Forwarded-For': '198.51.100.9' });
      await citizen.get(`/en/q/${SLUG}`);
      for (let i = 0; i < 3; i++)
        expect(
          (await citizen.post(`/en/q/${SLUG}/start`, { code: 'K7QM-4XTR-9PHW-2CNA' })).status,
        ).toBe(400);
      expect(
        (await citizen.post(`/en/q/${SLUG}/start`, { code: 'K7QM-4XTR-9PHW-2CNA' })).status,
      ).toBe(429);
      const other = new Citizen(limited.app, { 'X-Forwarded-For': '198.51.100.10' });
      await other.get(`/en/q/${SLUG}`);
      expect(
        (await other.post(`/en/q/${SLUG}/start`, { code: 'K7QM-4XTR-9PHW-2CNA' })).status,
      ).toBe(400);
    } finally {
      await limited.close();
    }
  });
});
