import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedQuestionnaire } from '../../src/db/questionnaires.js';
import { isoWeek } from '../../src/domain/iso-week.js';
import type { Question } from '../../src/domain/question-types/registry-schema.js';
import { questionnaireSchema } from '../../src/domain/questionnaire/schema.js';
import { PATHS } from '../../src/paths.js';
import { simulationService, type SimulationRequest } from '../../src/services/simulation.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { DEMO } from '../helpers/citizen.js';
import { databaseUrlOf, runCli } from '../helpers/cli.js';
import { questionnaireFor } from '../helpers/coordinator.js';
import { storedAnswers as answerRowsOf } from '../helpers/seed.js';

interface Row {
  response_id: string;
  ordinal: number;
  question_key: string;
  item: string;
  value: string;
  free_text: boolean;
}

let t: TestApp;
let demo: PublishedQuestionnaire;
const NOW = new Date('2026-11-20T12:00:00Z');
const COUNT = 300;
let responses: Record<string, unknown>[];
/** Stored answers by response id, in ordinal order. */
let byResponse: Map<string, Row[]>;

const simulate = (slug: string, request: Partial<SimulationRequest> = {}) =>
  simulationService(t.deps.repositories).simulate(slug, {
    count: COUNT,
    seed: 7,
    now: NOW,
    ...request,
  });

async function storedAnswers(questionnaireId: string): Promise<Row[]> {
  return answerRowsOf(t.db)
    .where('questionnaire_id', questionnaireId)
    .orderBy(['response_id', 'ordinal'])
    .select('response_id', 'ordinal', 'question_key', 'item', 'value', 'free_text');
}

beforeAll(async () => {
  t = await createTestApp();
  expect(await simulate(DEMO)).toEqual({ kind: 'simulated', count: COUNT });
  const draft = questionnaireSchema.parse({
    ...JSON.parse(readFileSync(PATHS.demoQuestionnaire, 'utf8')),
    slug: 'only-a-draft',
  });
  await t.deps.repositories.questionnaires.saveDraft(draft);
  demo = (await t.deps.repositories.questionnaires.findPublished(DEMO))!;
  responses = await t.db('responses').where('questionnaire_id', demo.id).select('*');
  byResponse = new Map(responses.map((r) => [r.id as string, []]));
  for (const row of await storedAnswers(demo.id)) byResponse.get(row.response_id)!.push(row);
});
afterAll(async () => t.close());

/** Counts of each stored value of a question (and row), over all simulated responses. */
function tally(questionKey: string, item = ''): Map<string, number> {
  const counts = new Map<string, number>();
  for (const rows of byResponse.values())
    for (const row of rows)
      if (row.question_key === questionKey && row.item === item)
        counts.set(row.value, (counts.get(row.value) ?? 0) + 1);
  return counts;
}

const EMAIL = /[^\s@]+@[^\s@]+\.[a-z]{2,}/i;
const PHONE = /\d[\d\s().-]{5,}\d/;

/**
 * What is wrong with the stored rows of one question, judged from the definition alone (not
 * with the code that stored them): allowed keys, whole rankings, limits, redaction.
 */
function problemsWith(q: Question, rows: Row[]): string[] {
  const keys = (options: { key: string }[]) => options.map((o) => o.key);
  const bad = (allowed: string[], field: 'item' | 'value') =>
    rows.filter((r) => !allowed.includes(r[field])).map((r) => `${q.key}: ${field} ${r[field]}`);
  const scale = (s: { points: { key: string }[]; dontKnow?: { key: string } | undefined }) => [
    ...keys(s.points),
    ...(s.dontKnow ? [s.dontKnow.key] : []),
  ];
  switch (q.type) {
    case 'single-choice':
      return rows.length > 1 ? [`${q.key}: two choices`] : bad(keys(q.options), 'value');
    case 'likert':
      return rows.length > 1 ? [`${q.key}: two points`] : bad(scale(q.scale), 'value');
    case 'likert-matrix':
    case 'consent-matrix': {
      const [rowKeys, columns] =
        q.type === 'likert-matrix'
          ? [keys(q.rows), scale(q.scale)]
          : [keys(q.purposes), keys(q.choices)];
      const missing =
        q.required && rows.length !== rowKeys.length ? [`${q.key}: rows missing`] : [];
      return [...missing, ...bad(rowKeys, 'item'), ...bad(columns, 'value')];
    }
    case 'multi-choice': {
      const chosen = rows.map((r) => r.value);
      const exclusive = q.options.filter((o) => o.exclusive).map((o) => o.key);
      const problems = bad(keys(q.options), 'value');
      if (chosen.some((c) => exclusive.includes(c)) && chosen.length > 1)
        problems.push(`${q.key}: exclusive option with others`);
      if (q.max !== undefined && chosen.length > q.max) problems.push(`${q.key}: above max`);
      return problems;
    }
    case 'ranking': {
      const ranks = rows.map((r) => Number(r.value)).sort((a, b) => a - b);
      const whole =
        ranks.length === 0 ||
        (ranks.every((rank, i) => rank === i + 1) && ranks.length === q.options.length);
      return [...bad(keys(q.options), 'item'), ...(whole ? [] : [`${q.key}: ranks ${ranks}`])];
    }
    case 'number':
      return bad(keys(q.bands), 'value');
    case 'text':
      return rows
        .filter((r) => EMAIL.test(r.value) || PHONE.test(r.value) || r.value.trim() === '')
        .map((r) => `${q.key}: unredacted or empty "${r.value}"`);
    case 'info':
      return rows.length > 0 ? [`${q.key}: an information block has answers`] : [];
  }
}

/** Whether a question was shown, judged from the stored answers to the question it depends on. */
function shown(q: Question, rows: Row[]): boolean {
  const c = q.condition;
  if (!c) return true;
  const values = rows
    .filter((r) => r.question_key === c.question && (c.item === undefined || r.item === c.item))
    .map((r) => r.value);
  if (c.anyOf) return values.some((v) => c.anyOf!.includes(v));
  return !values.some((v) => c.noneOf!.includes(v));
}

describe('simulated responses', () => {
  it('are each one a citizen could have given through the form', () => {
    expect(responses).toHaveLength(COUNT);
    const problems: string[] = [];
    for (const [id, rows] of byResponse) {
      if (rows.some((r, i) => r.ordinal !== i)) problems.push(`${id}: ordinals not 0..n-1`);
      for (const q of demo.definition.sections.flatMap((s) => s.questions)) {
        const own = rows.filter((r) => r.question_key === q.key);
        if (!shown(q, rows) && own.length > 0) problems.push(`${id}: ${q.key} answered but hidden`);
        if (shown(q, rows) && q.required && own.length === 0)
          problems.push(`${id}: required ${q.key} missing`);
        if (own.some((r) => r.free_text !== (q.type === 'text')))
          problems.push(`${id}: ${q.key} marked free text wrongly`);
        problems.push(...problemsWith(q, own).map((p) => `${id}: ${p}`));
      }
    }
    expect(problems).toEqual([]);
  });

  it('ask about consent for the earlier test only those who had a test, and leave optional questions blank now and then', () => {
    let hadTest = 0;
    let askedConsent = 0;
    for (const rows of byResponse.values()) {
      const test = rows.find((r) => r.question_key === 'prior_test')?.value;
      const consent = rows.some((r) => r.question_key === 'prior_test_consent');
      if (test === 'yes') hadTest++;
      if (consent) askedConsent++;
      if (consent) expect(test).toBe('yes');
    }
    expect(askedConsent).toBeGreaterThan(0);
    expect(askedConsent).toBeLessThanOrEqual(hadTest);
    const answered = (key: string) => [...tally(key).values()].reduce((a, b) => a + b, 0);
    expect(answered('consent_model')).toBe(COUNT);
    expect(answered('gender')).toBeLessThan(COUNT);
    expect(answered('gender')).toBeGreaterThan(COUNT / 2);
    expect(answered('comments')).toBeLessThan(COUNT / 2);
  });

  it('store free text redacted: contact details some citizens typed became markers', () => {
    const comments = [...tally('comments').keys()];
    expect(comments.length).toBeGreaterThan(5);
    expect(comments.some((c) => /\[(email|phone)\]/.test(c))).toBe(true);
    expect(comments.filter((c) => EMAIL.test(c) || PHONE.test(c))).toEqual([]);
  });

  it('are skewed like a real survey: some answers popular, some rare', () => {
    const spreads: { name: string; counts: number[] }[] = [];
    for (const q of demo.definition.sections.flatMap((s) => s.questions)) {
      const counted = (item: string, values: { key: string }[]) => {
        const counts = tally(q.key, item);
        spreads.push({
          name: `${q.key} ${item}`,
          counts: values.map((v) => counts.get(v.key) ?? 0),
        });
      };
      if (q.type === 'single-choice') counted('', q.options);
      if (q.type === 'likert') counted('', q.scale.points);
      if (q.type === 'likert-matrix') for (const row of q.rows) counted(row.key, q.scale.points);
      if (q.type === 'consent-matrix') for (const row of q.purposes) counted(row.key, q.choices);
    }
    const skewed = spreads.filter(({ counts }) => Math.max(...counts) >= 2 * Math.min(...counts));
    expect(spreads.length).toBeGreaterThan(20);
    expect(skewed.length).toBeGreaterThanOrEqual(0.8 * spreads.length);
    const languages = new Map<string, number>();
    for (const r of responses)
      languages.set(r.language as string, (languages.get(r.language as string) ?? 0) + 1);
    expect(Math.max(...languages.values())).toBeGreaterThan(COUNT / 3);
    expect(languages.size).toBeGreaterThan(1);
  });

  it('carry what a submission stores: random ids, a week among the last eight, a record key, a receipt hash no code opens', () => {
    const weeks = Array.from({ length: 8 }, (_, i) =>
      isoWeek(new Date(NOW.getTime() - i * 7 * 86_400_000)),
    );
    expect(new Set(responses.map((r) => r.id)).size).toBe(COUNT);
    for (const r of responses) {
      expect(r.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(weeks).toContain(r.iso_week);
      expect(r.record_key).toBeGreaterThanOrEqual(0);
      expect(r.record_key).toBeLessThan(1);
      expect(r.receipt_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(demo.definition.languages).toContain(r.language);
      expect(r.version_id).toBe(demo.versionId);
    }
    expect(new Set(responses.map((r) => r.iso_week)).size).toBeGreaterThan(4);
  });
});

describe('bulk loading', () => {
  it('stores every character of an answer as given: tabs, line ends, backslashes, COPY markers', async () => {
    const values = [
      'tab\there',
      'lines\nand\r\nends\r',
      'back\\slash \\N \\t',
      '\\.',
      '\\N',
      'Zażółć gęślą jaźń — مرحبا 👋',
      ' spaces  kept ',
    ];
    const id = randomUUID();
    await t.deps.repositories.responses.insertMany([
      {
        questionnaireId: demo.id,
        id,
        versionId: demo.versionId,
        language: 'pl',
        isoWeek: '2026-W47',
        recordKey: 1e-9,
        receiptHash: 'a\tb',
        // Every other one is free text, so also a row of `answers`.
        rows: values.map((value, i) => ({
          questionKey: `q${i}`,
          item: `i\t${i}`,
          value,
          ...(i % 2 === 0 ? { freeText: true as const } : {}),
        })),
      },
    ]);
    const stored = await answerRowsOf(t.db).where('response_id', id).orderBy('ordinal');
    expect(stored.map((r: Row) => r.value)).toEqual(values);
    expect(stored.map((r: Row) => r.item)).toEqual(values.map((_, i) => `i\t${i}`));
    expect(stored.map((r: Row) => r.free_text)).toEqual(values.map((_, i) => i % 2 === 0));
    const texts = await t.db('answers').where('response_id', id).orderBy('ordinal');
    expect(texts).toEqual(stored.filter((r: Row) => r.free_text));
    const response = (await t.db('responses').where('id', id).first()) as Record<string, unknown>;
    expect(response).toMatchObject({ receipt_hash: 'a\tb', record_key: 1e-9, language: 'pl' });
    await t.db('answers').where('response_id', id).delete();
    await t.db('responses').where('id', id).delete();
  });
});

describe('simulating again', () => {
  it('with the same seed gives the same responses, ids and keys included; another seed other ones', async () => {
    const count = 2100; // three batches, two written at once
    const responsesOf = async (slug: string) => {
      const q = await questionnaireFor(t.deps, slug, 'PL');
      expect(await simulate(slug, { count, seed: slug === 'other-seed' ? 8 : 11 })).toEqual({
        kind: 'simulated',
        count,
      });
      const meta = await t
        .db('responses')
        .where('questionnaire_id', q.id)
        .orderBy('id')
        .select('id', 'language', 'iso_week', 'record_key', 'receipt_hash');
      return { meta, answers: await storedAnswers(q.id) };
    };
    const first = await responsesOf('same-seed-a');
    const second = await responsesOf('same-seed-b');
    const other = await responsesOf('other-seed');
    expect(first.meta).toHaveLength(count);
    expect(second).toEqual(first);
    expect(other.answers.map((a) => [a.question_key, a.item, a.value])).not.toEqual(
      first.answers.map((a) => [a.question_key, a.item, a.value]),
    );
  });

  it('with a seed already used in that questionnaire is refused and stores nothing', async () => {
    expect(await simulate(DEMO, { count: 5 })).toEqual({ kind: 'seed-used' });
    expect(await t.db('responses').where('questionnaire_id', demo.id).count('* as n')).toEqual([
      { n: String(COUNT) },
    ]);
  });

  it('needs a questionnaire with a published version', async () => {
    expect(await simulate('nowhere')).toEqual({ kind: 'unknown' });
    expect(await simulate('only-a-draft')).toEqual({ kind: 'unpublished' });
  });
});

describe('responses:simulate on the command line', () => {
  const cli = (args: string[], env: Record<string, string> = {}) =>
    runCli(databaseUrlOf(t.db), '', ['responses:simulate', ...args], env);

  it('stores the responses, reports progress on standard error and the time taken', async () => {
    await questionnaireFor(t.deps, 'cli-simulated', 'DE');
    const result = await cli(['cli-simulated', '--count', '1500', '--seed', '42']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Simulated 1500 responses for cli-simulated in \d+\.\d s \(seed 42\)\n$/,
    );
    expect(result.stderr).toMatch(/^\d0 % \((500|1000) of 1500\)$/m);
    expect(result.stderr).toContain('100 % (1500 of 1500)');
    const stored = await t
      .db('responses as r')
      .join('questionnaires as q', 'q.id', 'r.questionnaire_id')
      .where('q.slug', 'cli-simulated')
      .count('* as n');
    expect(stored).toEqual([{ n: '1500' }]);
  });

  it('refuses bad input with exit code 2, and a missing count with the usage', async () => {
    const [unknown, unpublished, zero, words, tooMany, badSeed, production, missing] =
      await Promise.all([
        cli(['nowhere', '--count', '10']),
        cli(['only-a-draft', '--count', '10']),
        cli([DEMO, '--count', '0']),
        cli([DEMO, '--count', 'ten']),
        cli([DEMO, '--count', '5000001']),
        cli([DEMO, '--count', '10', '--seed=-1']),
        cli([DEMO, '--count', '10'], {
          NODE_ENV: 'production',
          SESSION_SECRET: 'a-production-secret-of-32-characters',
        }),
        cli([DEMO]),
      ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('No questionnaire "nowhere"');
    expect(unpublished.code).toBe(2);
    expect(unpublished.stderr).toContain('"only-a-draft" has no published version');
    for (const refused of [zero, words, tooMany, badSeed]) {
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('--count must be a whole number from 1 to 5000000');
    }
    expect(production.code).toBe(2);
    expect(production.stderr).toContain('does not run in production');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('responses:simulate needs a slug and --count');
  }, 60_000);
});
