import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen } from '../helpers/citizen.js';
import { account, PASSWORD, questionnaireFor, signedIn } from '../helpers/coordinator.js';
import { testSettings } from '../helpers/settings.js';
import { depsFromDb } from '../../src/deps.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  await account(t.deps, 'admin@example.org', 'admin');
  await questionnaireFor(t.deps, 'pl-consultation', 'PL');
});
afterAll(async () => t.close());

const audit = async (action: string) => t.db('audit_log').where('action', action).orderBy('id');
const sessionCookie = (res: { headers: Record<string, unknown> }) =>
  ((res.headers['set-cookie'] as string[] | undefined) ?? []).find((c) =>
    /consulta_admin=/.test(c),
  );

describe('signing in', () => {
  it('an anonymous visit to the coordinator area leads to the sign-in page', async () => {
    const res = await request(t.app).get('/admin/questionnaires');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/sign-in?next=%2Fadmin%2Fquestionnaires');
  });

  it('a right password starts an HttpOnly, SameSite session with a new id, and goes where asked', async () => {
    const browser = new Citizen(t.app, { Cookie: 'consulta_admin=s%3Aplanted.fixation' });
    await browser.get('/admin/sign-in?next=/admin/audit');
    const res = await browser.post('/admin/sign-in', {
      email: 'ADMIN@example.org',
      password: PASSWORD,
      next: '/admin/audit',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/admin/audit');
    const cookie = sessionCookie(res) as string;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).not.toContain('planted.fixation');
    expect((await audit('sign-in')).at(-1)?.actor_email).toBe('admin@example.org');
  });

  it('gives the same answer for an unknown account and a wrong password', async () => {
    const wrong = new Citizen(t.app);
    await wrong.get('/admin/sign-in');
    const a = await wrong.post('/admin/sign-in', {
      email: 'admin@example.org',
      password: 'not the password at all',
    });
    const unknown = new Citizen(t.app);
    await unknown.get('/admin/sign-in');
    const b = await unknown.post('/admin/sign-in', {
      email: 'nobody@example.org',
      password: 'not the password at all',
    });
    expect(a.status).toBe(400);
    expect(b.status).toBe(400);
    const message = (html: string) => /<li><a href="#email">([^<]+)</.exec(html)?.[1];
    expect(message(wrong.html)).toBeDefined();
    expect(message(wrong.html)).toBe(message(unknown.html));
    expect(sessionCookie(a)).toBeUndefined();
    const failures = await audit('sign-in-failed');
    expect(failures.map((f) => f.details.reason)).toEqual(
      expect.arrayContaining(['password', 'unknown account']),
    );
    expect(JSON.stringify(failures)).not.toContain('not the password at all');
  });

  it('throttles repeated failures for one e-mail address, known or not', async () => {
    for (const email of ['throttle@example.org', 'admin-throttle@example.org']) {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        const browser = new Citizen(t.app, { 'X-Forwarded-For': `192.0.2.${i + 10}` });
        await browser.get('/admin/sign-in');
        statuses.push(
          (await browser.post('/admin/sign-in', { email, password: 'wrong password number' }))
            .status,
        );
      }
      expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    }
  });

  it('sessions end after 30 idle minutes and after 12 hours whatever the activity', async () => {
    const idle = await signedIn(t.app, 'admin@example.org');
    await t.db('admin_sessions').update({ expire: t.db.raw("now() - interval '1 second'") });
    expect((await idle.get('/admin/questionnaires')).status).toBe(303);

    const old = await signedIn(t.app, 'admin@example.org');
    const rows = await t.db('admin_sessions').select('sid', 'sess');
    for (const row of rows) {
      await t
        .db('admin_sessions')
        .where('sid', row.sid)
        .update({ sess: JSON.stringify({ ...row.sess, signedInAt: Date.now() - 13 * 3600_000 }) });
    }
    expect((await old.get('/admin/questionnaires')).status).toBe(303);
  });

  it('signing out ends the session', async () => {
    const browser = await signedIn(t.app, 'admin@example.org');
    const res = await browser.post('/admin/sign-out');
    expect(res.headers.location).toBe('/admin/sign-in?signed-out=1');
    expect((await browser.get('/admin/questionnaires')).status).toBe(303);
    expect((await audit('sign-out')).length).toBeGreaterThan(0);
  });

  it('over https the cookie is Secure and __Host- prefixed', async () => {
    const deps = depsFromDb(t.db, {
      logger: t.deps.logger,
      draftTtlHours: 24,
      settings: testSettings({ secureCookies: true }),
    });
    const app = createApp(deps);
    // The agent would not send Secure cookies back over plain http, so cookies are carried by hand.
    const page = await request(app).get('/admin/sign-in').set('X-Forwarded-Proto', 'https');
    const cookies = (page.headers['set-cookie'] as unknown as string[])
      .map((c) => c.split(';')[0])
      .join('; ');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] as string;
    const res = await request(app)
      .post('/admin/sign-in')
      .set('X-Forwarded-Proto', 'https')
      .set('Cookie', cookies)
      .type('form')
      .send({ _csrf: csrf, email: 'admin@example.org', password: PASSWORD });
    expect(res.status).toBe(303);
    const cookie = ((res.headers['set-cookie'] as unknown as string[]) ?? []).find((c) =>
      c.startsWith('__Host-consulta_admin='),
    ) as string;
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Domain=/);
  });
});

describe('accounts', () => {
  it('an administrator invites a coordinator for Poland, who chooses a password and signs in', async () => {
    const admin = await signedIn(t.app, 'admin@example.org');
    await admin.get('/admin/accounts/new');
    const created = await admin.post('/admin/accounts', {
      email: 'Anna@Example.PL',
      role: 'coordinator',
      countries: ['PL'],
    });
    expect(created.status).toBe(201);
    const link = /id="invitation-link">([^<]+)</.exec(admin.html)?.[1] as string;
    const path = new URL(link).pathname;

    const anna = new Citizen(t.app);
    await anna.get(path);
    const common = await anna.post(path, { password: 'password1234', confirm: 'password1234' });
    expect(common.status).toBe(400);
    expect(anna.html).toContain('too common');
    const short = await anna.post(path, { password: 'short', confirm: 'short' });
    expect(short.status).toBe(400);
    const set = await anna.post(path, {
      password: 'Wisła flows to the Baltic',
      confirm: 'Wisła flows to the Baltic',
    });
    expect(set.status).toBe(303);
    expect((await anna.get(path)).status).toBe(404);

    const signedInAnna = await signedIn(t.app, 'anna@example.pl', 'Wisła flows to the Baltic');
    await signedInAnna.get('/admin/questionnaires');
    expect(signedInAnna.html).toContain('pl-consultation');
    expect(signedInAnna.html).not.toContain('/admin/accounts');
    expect((await audit('account-create')).some((a) => a.target === 'anna@example.pl')).toBe(true);
  });

  it('refuses a bad e-mail, a missing role and missing countries, with the answers kept', async () => {
    const admin = await signedIn(t.app, 'admin@example.org');
    await admin.get('/admin/accounts/new');
    const res = await admin.post('/admin/accounts', { email: 'not-an-address' });
    expect(res.status).toBe(400);
    expect(admin.html).toContain('value="not-an-address"');
    expect(admin.html).toContain('href="#email"');
    expect(admin.html).toContain('href="#role-admin"');
    const coordinator = await admin.post('/admin/accounts', {
      email: 'x@example.org',
      role: 'coordinator',
    });
    expect(coordinator.status).toBe(400);
    expect(admin.html).toContain('Choose at least one country');
  });

  it('a disabled account loses its session at once and cannot sign in', async () => {
    const target = await account(t.deps, 'leaving@example.org', 'analyst', ['PL']);
    const leaving = await signedIn(t.app, 'leaving@example.org');
    const admin = await signedIn(t.app, 'admin@example.org');
    await admin.get('/admin/accounts');
    expect((await admin.post(`/admin/accounts/${target.id}/disable`)).status).toBe(303);
    expect((await leaving.get('/admin/questionnaires')).status).toBe(303);
    await expect(signedIn(t.app, 'leaving@example.org')).rejects.toThrow(/400/);
    expect((await audit('account-disable')).at(-1)?.target).toBe('leaving@example.org');
  });

  it('an administrator cannot disable their own account', async () => {
    const admin = await signedIn(t.app, 'admin@example.org');
    const me = await t.db('accounts').where('email', 'admin@example.org').first();
    await admin.get('/admin/accounts');
    const res = await admin.post(`/admin/accounts/${me.id}/disable`);
    expect(res.headers.location).toBe('/admin/accounts?refused=1');
    expect((await t.db('accounts').where('id', me.id).first()).disabled).toBe(false);
  });

  it('changing a password needs the current one and a strong new one', async () => {
    await account(t.deps, 'changer@example.org', 'analyst', ['PL']);
    const browser = await signedIn(t.app, 'changer@example.org');
    await browser.get('/admin/password');
    expect(
      (
        await browser.post('/admin/password', {
          current: 'wrong',
          password: 'a brand new passphrase',
          confirm: 'a brand new passphrase',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await browser.post('/admin/password', {
          current: PASSWORD,
          password: 'changer@example.org!!',
          confirm: 'changer@example.org!!',
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await browser.post('/admin/password', {
          current: PASSWORD,
          password: 'a brand new passphrase',
          confirm: 'a brand new passphrase',
        })
      ).status,
    ).toBe(200);
    await signedIn(t.app, 'changer@example.org', 'a brand new passphrase');
    expect((await audit('password-change')).length).toBe(1);
  });
});

describe('questionnaires in the coordinator area', () => {
  it('a coordinator for Germany neither sees nor opens the Polish questionnaire', async () => {
    await account(t.deps, 'de@example.org', 'coordinator', ['DE']);
    const de = await signedIn(t.app, 'de@example.org');
    await de.get('/admin/questionnaires');
    expect(de.html).not.toContain('pl-consultation');
    expect((await de.get('/admin/questionnaires/pl-consultation')).status).toBe(404);
  });

  it('a coordinator closes and reopens their questionnaire, and citizens see the change', async () => {
    await account(t.deps, 'pl@example.org', 'coordinator', ['PL']);
    const pl = await signedIn(t.app, 'pl@example.org');
    await pl.get('/admin/questionnaires/pl-consultation');
    expect(
      (await pl.post('/admin/questionnaires/pl-consultation/status', { status: 'closed' })).status,
    ).toBe(303);
    expect((await request(t.app).get('/pl/q/pl-consultation')).status).toBe(410);
    await pl.get('/admin/questionnaires/pl-consultation');
    expect(
      (await pl.post('/admin/questionnaires/pl-consultation/status', { status: 'open' })).status,
    ).toBe(303);
    expect((await request(t.app).get('/pl/q/pl-consultation')).status).toBe(200);
    const changes = await audit('questionnaire-status');
    expect(changes.map((c) => c.details)).toEqual(
      expect.arrayContaining([
        { from: 'open', to: 'closed' },
        { from: 'closed', to: 'open' },
      ]),
    );
  });

  it('an impossible status change is refused with a 400', async () => {
    const pl = await signedIn(t.app, 'pl@example.org');
    await pl.get('/admin/questionnaires/pl-consultation');
    expect(
      (await pl.post('/admin/questionnaires/pl-consultation/status', { status: 'archived' }))
        .status,
    ).toBe(400);
  });

  it('exporting the definition is recorded in the audit log', async () => {
    const pl = await signedIn(t.app, 'pl@example.org');
    await pl.get('/admin/questionnaires/pl-consultation');
    const res = await pl.post('/admin/questionnaires/pl-consultation/export');
    expect(res.headers['content-disposition']).toContain('pl-consultation.json');
    expect(JSON.parse(res.text).country).toBe('PL');
    expect((await audit('questionnaire-export')).at(-1)?.actor_email).toBe('pl@example.org');
  });
});

describe('the audit log page', () => {
  it('lists entries newest first and filters by action and person', async () => {
    const admin = await signedIn(t.app, 'admin@example.org');
    await admin.get('/admin/audit?action=questionnaire-export');
    expect(admin.html).toContain('pl@example.org');
    expect(admin.html).not.toMatch(/<td>sign-in<\/td>/);
    await admin.get('/admin/audit?actor=nobody-matches');
    expect(admin.html).toContain('No entry matches');
    expect((await admin.get('/admin/audit?from=yesterday')).status).toBe(400);
  });

  it('holds no citizen data: no answers, codes or addresses', async () => {
    const rows = JSON.stringify(await t.db('audit_log').select('*'));
    expect(rows).not.toMatch(/password1234|Wisła flows|192\.0\.2\./);
  });
});

describe('counts in the coordinator area', () => {
  it('pass disclosure control: a handful of responses shows as "<10", never the exact number', async () => {
    const { completeDemo } = await import('../helpers/citizen.js');
    for (let i = 0; i < 3; i++) await completeDemo(new Citizen(t.app), 'pl');
    const admin = await signedIn(t.app, 'admin@example.org');
    await admin.get('/admin/questionnaires');
    expect(admin.html).toContain('&lt;10');
    await admin.get('/admin/questionnaires/genomic-data-sharing');
    expect(admin.html).toContain('&lt;10');
  });
});
