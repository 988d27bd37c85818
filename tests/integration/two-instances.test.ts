import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestAppBeside, type TestApp } from '../helpers/app.js';
import { DEMO, DEMO_ANSWERS } from '../helpers/citizen.js';
import { account, PASSWORD } from '../helpers/coordinator.js';
import { HttpBrowser } from '../helpers/http-browser.js';

/**
 * Two app processes (two apps, each with its own pool and in-memory caches) on one database,
 * listening on two ports. Every browser below sends its requests to each in turn, so every step
 * needs what the other process did in the step before: if sessions, drafts, CSRF secrets or
 * rate-limit counters lived in a process, these journeys would break.
 */
let one: TestApp;
let two: TestApp;
const servers: Server[] = [];
let origins: string[];

async function serve(t: TestApp): Promise<string> {
  const server = createServer(t.app);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

interface RequestLine {
  msg?: string;
  method?: string;
  route?: string;
  status?: number;
}

/** How many requests like this an app served, from its request log. */
function served(t: TestApp, like: RequestLine): number {
  return t.logs
    .map((line) => JSON.parse(line) as RequestLine)
    .filter(
      (l) =>
        l.msg === 'request' &&
        Object.entries(like).every(([key, value]) => l[key as keyof RequestLine] === value),
    ).length;
}

const from = (address: string) => ({ 'X-Forwarded-For': address });
const q = `/en/q/${DEMO}`;

beforeAll(async () => {
  one = await createTestApp({ rateLimits: { postsPerMinute: 10_000, submitsPer10Minutes: 2 } });
  two = createTestAppBeside(one);
  origins = [await serve(one), await serve(two)];
});

afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  await two.close();
  await one.close();
});

describe('two app processes on one database', () => {
  it('take a citizen from the start page to the receipt, each page from one and each answer to the other', async () => {
    const citizen = new HttpBrowser(origins, from('203.0.113.1'));
    await citizen.get(q);
    // The token of the page from process one is accepted by process two, which makes the draft.
    const started = await citizen.post(`${q}/start`);
    expect(started.status).toBe(303);
    expect(started.headers.location).toBe(`${q}/s/1`);
    for (const [i, fields] of DEMO_ANSWERS.entries()) {
      // Process one finds the draft process two wrote (no draft would send back to the start).
      const page = await citizen.get(`${q}/s/${i + 1}`);
      expect(page.status).toBe(200);
      const answered = await citizen.post(`${q}/s/${i + 1}`, { ...fields, action: 'next' });
      expect(answered.status).toBe(303);
      expect(answered.headers.location).toBe(
        i + 1 < DEMO_ANSWERS.length ? `${q}/s/${i + 2}` : `${q}/check`,
      );
    }
    const check = await citizen.get(`${q}/check`);
    expect(check.status).toBe(200);
    expect(check.text).toContain('37');
    const submitted = await citizen.post(`${q}/submit`);
    expect(submitted.status).toBe(303);
    const thanks = await citizen.get(submitted.headers.location as string);
    expect(thanks.text).toMatch(/id="receipt-code"><strong>[0-9A-Z-]+</);
    expect(Number((await one.db('responses').count('* as n').first())?.n)).toBe(1);

    const sections = { route: '/en/q/:slug/s/:n' };
    expect(served(one, { ...sections, method: 'GET' })).toBe(DEMO_ANSWERS.length);
    expect(served(one, { ...sections, method: 'POST' })).toBe(0);
    expect(served(two, { ...sections, method: 'POST' })).toBe(DEMO_ANSWERS.length);
    expect(served(two, { ...sections, method: 'GET' })).toBe(0);
  });

  it('save answers on one, resume them on the other, submit and withdraw, the other way round', async () => {
    const first = new HttpBrowser(origins, from('203.0.113.2'));
    await first.get(q);
    await first.post(`${q}/start`);
    await first.get(`${q}/s/1`);
    const saved = await first.post(`${q}/s/1`, { ...DEMO_ANSWERS[0], action: 'save' });
    expect(saved.status).toBe(303);
    const code = /id="resume-code"><strong>([0-9A-Z-]+)</.exec(
      (await first.get(saved.headers.location as string)).text,
    )?.[1];
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);

    // Another browser, whose pages come from process two and whose answers go to process one.
    const second = new HttpBrowser(origins, from('203.0.113.3'), 1);
    await second.get(`${q}/resume`);
    const resumed = await second.post(`${q}/resume`, { code: code as string });
    expect(resumed.status).toBe(303);
    const section = await second.get(`${q}/s/1`);
    expect(section.text).toMatch(/id="f-familiarity-somewhat_familiar"[^>]*checked/);
    expect((await second.post(`${q}/s/1`, { ...DEMO_ANSWERS[0], action: 'next' })).status).toBe(
      303,
    );
    for (const [i, fields] of DEMO_ANSWERS.entries()) {
      if (i === 0) continue;
      await second.get(`${q}/s/${i + 1}`);
      expect((await second.post(`${q}/s/${i + 1}`, { ...fields, action: 'next' })).status).toBe(
        303,
      );
    }
    await second.get(`${q}/check`);
    const submitted = await second.post(`${q}/submit`);
    expect(submitted.status).toBe(303);
    const receipt = /id="receipt-code"><strong>([0-9A-Z-]+)</.exec(
      (await second.get(submitted.headers.location as string)).text,
    )?.[1] as string;

    const responses = async () => Number((await one.db('responses').count('* as n').first())?.n);
    const before = await responses();
    const withdrawing = new HttpBrowser(origins, from('203.0.113.4'), 1);
    await withdrawing.get('/en/withdraw');
    const withdrawn = await withdrawing.post('/en/withdraw', { code: receipt });
    expect(withdrawn.status).toBe(303);
    expect(withdrawn.headers.location).toBe('/en/withdraw/done');
    expect(await responses()).toBe(before - 1);
  });

  it('keep a coordinator signed in on both, and signed out of both', async () => {
    const email = 'coordinator.pl@example.org';
    await account(one.deps, email, 'coordinator', ['PL']);
    const browser = new HttpBrowser(origins);
    await browser.get('/admin/sign-in');
    const signedIn = await browser.post('/admin/sign-in', { email, password: PASSWORD });
    expect(signedIn.status).toBe(303);
    // Process one knows the session process two started.
    const page = await browser.get('/admin/password');
    expect(page.status).toBe(200);
    expect(page.text).toContain(email);
    const signedOut = await browser.post('/admin/sign-out');
    expect(signedOut.status).toBe(303);
    // Process one knows the session process two ended.
    const after = await browser.get('/admin/password');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/admin\/sign-in/);
  });

  it('count one client address in a rate limit together: the limit is reached in the sum', async () => {
    // Two submissions per ten minutes: the third post is the second that process two sees.
    const client = new HttpBrowser(origins, from('203.0.113.9'));
    await client.get('/en/withdraw');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await client.post('/en/withdraw', { code: 'AAAA-BBBB-CCCC-DDDD' })).status);
    expect(statuses).toEqual([400, 400, 429]);
    expect(served(two, { status: 429 })).toBe(1);
    expect(served(one, { status: 429 })).toBe(0);
  });

  it('refuse a CSRF token signed with another secret (so the checks above are real)', async () => {
    const stranger = createTestAppBeside(one, {
      secret: 'another-secret-another-secret-0123456789',
    });
    try {
      const browser = new HttpBrowser([origins[0] as string, await serve(stranger)]);
      await browser.get(q);
      expect((await browser.post(`${q}/start`)).status).toBe(403);
    } finally {
      await stranger.close();
    }
  });
});
