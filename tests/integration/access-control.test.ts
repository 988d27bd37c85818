import type { Express } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminRouter } from '../../src/web/admin/router.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import type { Citizen } from '../helpers/citizen.js';
import { account, questionnaireFor, signedIn } from '../helpers/coordinator.js';

/**
 * Deny by default, tested as a matrix: every route of the coordinator router, for every kind of
 * visitor. A route added without a line here fails the first test.
 */
type Persona = 'anonymous' | 'analyst' | 'otherCountry' | 'coordinator' | 'admin';
type Outcome = 'sign-in' | 'forbidden' | 'hidden' | 'ok' | 'public';

const PERSONAS: Persona[] = ['anonymous', 'analyst', 'otherCountry', 'coordinator', 'admin'];
const SLUG = 'pl-consultation';

/** Expected outcome per persona, in the order of PERSONAS. */
const MATRIX: Record<string, { body?: Record<string, string>; expect: Outcome[] }> = {
  'GET /sign-in': { expect: ['public', 'public', 'public', 'public', 'public'] },
  'POST /sign-in': {
    body: { email: 'nobody@example.org', password: 'wrong password here' },
    expect: ['public', 'public', 'public', 'public', 'public'],
  },
  'POST /sign-out': { expect: ['sign-in', 'ok', 'ok', 'ok', 'ok'] },
  'GET /password': { expect: ['sign-in', 'ok', 'ok', 'ok', 'ok'] },
  'POST /password': {
    body: { current: 'x', password: 'y', confirm: 'y' },
    expect: ['sign-in', 'ok', 'ok', 'ok', 'ok'],
  },
  'GET /set-password/:token': { expect: ['public', 'public', 'public', 'public', 'public'] },
  'POST /set-password/:token': {
    body: { password: 'y', confirm: 'y' },
    expect: ['public', 'public', 'public', 'public', 'public'],
  },
  'GET /': { expect: ['sign-in', 'ok', 'ok', 'ok', 'ok'] },
  'GET /questionnaires': { expect: ['sign-in', 'ok', 'ok', 'ok', 'ok'] },
  'GET /questionnaires/import': { expect: ['sign-in', 'forbidden', 'ok', 'ok', 'ok'] },
  'POST /questionnaires/import': { expect: ['sign-in', 'forbidden', 'ok', 'ok', 'ok'] },
  'POST /questionnaires/import-xlsform': { expect: ['sign-in', 'forbidden', 'ok', 'ok', 'ok'] },
  'POST /questionnaires/:slug/publish': { expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'] },
  'POST /questionnaires/:slug/duplicate': {
    body: { slug: 'a-copy' },
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'GET /questionnaires/:slug/preview/:lang{/:n}': {
    expect: ['sign-in', 'ok', 'hidden', 'ok', 'ok'],
  },
  'POST /questionnaires/:slug/translations/export': {
    body: { lang: 'pl' },
    expect: ['sign-in', 'ok', 'hidden', 'ok', 'ok'],
  },
  'GET /questionnaires/:slug/translations/import': {
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'POST /questionnaires/:slug/translations/import': {
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'GET /questionnaires/new': { expect: ['sign-in', 'forbidden', 'ok', 'ok', 'ok'] },
  'POST /questionnaires/new': { expect: ['sign-in', 'forbidden', 'ok', 'ok', 'ok'] },
  // Builder changes below are refused by validation (400) or change nothing, so every persona
  // meets the same questionnaire: "genomics" holds prior_test, on which a later question depends.
  'GET /questionnaires/:slug/edit': { expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'] },
  'GET /questionnaires/:slug/settings': {
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'POST /questionnaires/:slug/settings': {
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'GET /questionnaires/:slug/sections/new': {
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'POST /questionnaires/:slug/sections/new': {
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'GET /questionnaires/:slug/sections/:section': {
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'POST /questionnaires/:slug/sections/:section': {
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'POST /questionnaires/:slug/sections/:section/move': {
    body: { direction: 'down' },
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'POST /questionnaires/:slug/sections/:section/delete': {
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'GET /questionnaires/:slug/sections/:section/questions/new': {
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'POST /questionnaires/:slug/sections/:section/questions/new': {
    body: { type: 'text' },
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'GET /questionnaires/:slug/questions/:question': {
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'POST /questionnaires/:slug/questions/:question': {
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'POST /questionnaires/:slug/questions/:question/move': {
    body: { direction: 'down' },
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'POST /questionnaires/:slug/questions/:question/delete': {
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'GET /questionnaires/:slug/results': { expect: ['sign-in', 'ok', 'hidden', 'ok', 'ok'] },
  'GET /questionnaires/:slug/results/export': { expect: ['sign-in', 'ok', 'hidden', 'ok', 'ok'] },
  'GET /questionnaires/:slug/results/codebook': {
    expect: ['sign-in', 'ok', 'hidden', 'ok', 'ok'],
  },
  // Free text is row-level: coordinators of the country only, not analysts nor administrators.
  'GET /questionnaires/:slug/results/texts/:question': {
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'forbidden'],
  },
  'GET /questionnaires/:slug': { expect: ['sign-in', 'ok', 'hidden', 'ok', 'ok'] },
  'POST /questionnaires/:slug/schedule': {
    body: { opensAt: '', closesAt: '' },
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'POST /questionnaires/:slug/status': {
    body: { status: 'archived' },
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'POST /questionnaires/:slug/export': { expect: ['sign-in', 'ok', 'hidden', 'ok', 'ok'] },
  'POST /questionnaires/:slug/results-settings': {
    body: { threshold: '10', public: 'off' },
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'POST /questionnaires/:slug/retention': {
    body: { days: '' },
    expect: ['sign-in', 'forbidden', 'forbidden', 'forbidden', 'ok'],
  },
  'POST /questionnaires/:slug/access-codes': {
    body: { count: '1' },
    expect: ['sign-in', 'forbidden', 'hidden', 'ok', 'ok'],
  },
  'GET /accounts': { expect: ['sign-in', 'forbidden', 'forbidden', 'forbidden', 'ok'] },
  'GET /accounts/new': { expect: ['sign-in', 'forbidden', 'forbidden', 'forbidden', 'ok'] },
  'POST /accounts': {
    body: { email: '' },
    expect: ['sign-in', 'forbidden', 'forbidden', 'forbidden', 'ok'],
  },
  'POST /accounts/:id/disable': {
    expect: ['sign-in', 'forbidden', 'forbidden', 'forbidden', 'ok'],
  },
  'POST /accounts/:id/enable': { expect: ['sign-in', 'forbidden', 'forbidden', 'forbidden', 'ok'] },
  'GET /audit': { expect: ['sign-in', 'forbidden', 'forbidden', 'forbidden', 'ok'] },
};

let t: TestApp;
let spareAccountId = '';
const emails: Record<Exclude<Persona, 'anonymous'>, string> = {
  analyst: 'analyst@pl.example.org',
  otherCountry: 'coordinator@de.example.org',
  coordinator: 'coordinator@pl.example.org',
  admin: 'admin@example.org',
};

beforeAll(async () => {
  t = await createTestApp();
  await questionnaireFor(t.deps, SLUG, 'PL');
  await account(t.deps, emails.analyst, 'analyst', ['PL']);
  await account(t.deps, emails.otherCountry, 'coordinator', ['DE']);
  await account(t.deps, emails.coordinator, 'coordinator', ['PL']);
  await account(t.deps, emails.admin, 'admin');
  spareAccountId = (await account(t.deps, 'spare@example.org', 'analyst', ['PL'])).id;
});
afterAll(async () => t.close());

function routesOf(app: ReturnType<typeof adminRouter>): string[] {
  const all = app.stack
    .filter((layer) => layer.route)
    .flatMap((layer) => {
      const route = layer.route as unknown as { path: string; methods: Record<string, boolean> };
      return Object.keys(route.methods).map((method) => `${method.toUpperCase()} ${route.path}`);
    });
  return [...new Set(all)];
}

const concrete = (path: string) =>
  path
    .replace(':slug', SLUG)
    .replace(':id', spareAccountId)
    .replace(':token', 'not-a-real-token')
    .replace(':lang{/:n}', 'pl/2')
    .replace(':section', 'genomics')
    .replace(/\/results\/texts\/:question$/, '/results/texts/comments')
    .replace(':question', 'prior_test')
    .replace(/\/questions\/new$/, '/questions/new?type=text')
    .replace(/\/results\/(export|codebook)$/, '/results/$1?format=csv');

async function visit(
  app: Express,
  persona: Persona,
  key: string,
  body: Record<string, string> = {},
) {
  const [method, path] = key.split(' ') as [string, string];
  const browser: Citizen =
    persona === 'anonymous'
      ? new (await import('../helpers/citizen.js')).Citizen(app)
      : await signedIn(app, emails[persona]);
  await browser.get('/admin/sign-in');
  const url = `/admin${concrete(path)}`.replace(/\/$/, '') || '/admin';
  return method === 'GET'
    ? browser.get(url === '/admin' ? '/admin/' : url)
    : browser.post(url, body);
}

function outcomeOf(res: { status: number; headers: Record<string, string> }): Outcome {
  if (res.status === 303 && /^\/admin\/sign-in(\?next=|$)/.test(String(res.headers.location)))
    return 'sign-in';
  if (res.status === 403) return 'forbidden';
  if (res.status === 404) return 'hidden';
  return res.status < 500 ? 'ok' : ('error' as Outcome);
}

describe('access control of the coordinator area', () => {
  it('every route of the router has a line in the matrix, and every line a route', () => {
    const routes = routesOf(adminRouter(t.deps)).sort();
    expect(routes).toEqual(Object.keys(MATRIX).sort());
  });

  for (const [key, entry] of Object.entries(MATRIX)) {
    it(`${key}: ${PERSONAS.map((p, i) => `${p} → ${entry.expect[i]}`).join(', ')}`, async () => {
      for (const [i, persona] of PERSONAS.entries()) {
        const expected = entry.expect[i] as Outcome;
        const res = await visit(t.app, persona, key, entry.body);
        const outcome = outcomeOf(res);
        if (expected === 'public') {
          expect(outcome, `${persona} on ${key} (${res.status})`).not.toBe('sign-in');
          expect(res.status, `${persona} on ${key}`).toBeLessThan(500);
          expect(res.status, `${persona} on ${key}`).not.toBe(403);
        } else {
          expect(outcome, `${persona} on ${key} answered ${res.status}`).toBe(expected);
        }
      }
      await t.db('accounts').update({ disabled: false });
      await t.db('questionnaires').where('slug', SLUG).update({ status: 'closed' });
    });
  }

  it('a POST without a CSRF token is refused even for an administrator', async () => {
    const admin = await signedIn(t.app, emails.admin);
    const res = await admin.post(`/admin/accounts/${spareAccountId}/disable`, {}, { csrf: false });
    expect(res.status).toBe(403);
    expect((await t.db('accounts').where('id', spareAccountId).first()).disabled).toBe(false);
  });
});
