import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen, completeDemo, DEMO } from '../helpers/citizen.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ rateLimits: { postsPerMinute: 1000, submitsPer10Minutes: 2 } });
});
afterAll(async () => t.close());

describe('rate limits on submission', () => {
  it('refuse the third submission from one address in ten minutes with a translated 429', async () => {
    const headers = { 'X-Forwarded-For': '198.51.100.9' };
    await completeDemo(new Citizen(t.app, headers), 'en');
    await completeDemo(new Citizen(t.app, headers), 'en');
    await expect(completeDemo(new Citizen(t.app, headers), 'en')).rejects.toThrow(/429/);
    const withdraw = new Citizen(t.app, headers);
    await withdraw.get('/el/withdraw');
    const res = await withdraw.post('/el/withdraw', { code: 'AAAA-BBBB-CCCC-DDDD' });
    expect(res.status).toBe(429);
    expect(withdraw.html).toMatch(/<html lang="el"/);
  });

  it('keep the answers of a refused submission, to be sent once the window has passed', async () => {
    const headers = { 'X-Forwarded-For': '198.51.100.11' };
    await completeDemo(new Citizen(t.app, headers), 'pl');
    await completeDemo(new Citizen(t.app, headers), 'pl');
    const third = new Citizen(t.app, headers);
    await expect(completeDemo(third, 'pl')).rejects.toThrow(/429/);
    expect(third.html).toMatch(/<html lang="pl"/);
    const before = Number((await t.db('responses').count('* as n').first())?.n);
    await t.db('rate_limits').update({ reset_at: t.db.raw('now()') });
    await third.get(`/pl/q/${DEMO}/check`);
    expect(third.html).toContain('name="_csrf"');
    const sent = await third.post(`/pl/q/${DEMO}/submit`);
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe(`/pl/q/${DEMO}/done`);
    expect(Number((await t.db('responses').count('* as n').first())?.n)).toBe(before + 1);
  });

  it('are shared between app processes through the database, and store no address', async () => {
    const headers = { 'X-Forwarded-For': '198.51.100.10' };
    const secondProcess = createApp(t.deps);
    await completeDemo(new Citizen(t.app, headers), 'en');
    await completeDemo(new Citizen(secondProcess, headers), 'en');
    const third = new Citizen(secondProcess, headers);
    await third.get('/en/withdraw');
    expect((await third.post('/en/withdraw', { code: 'AAAA-BBBB-CCCC-DDDD' })).status).toBe(429);
    const keys = JSON.stringify(await t.db('rate_limits').select('key'));
    expect(keys).not.toContain('198.51.100');
  });

  it('count every one of many posts sent at once, which are counted together', async () => {
    const limited = await createTestApp({
      rateLimits: { postsPerMinute: 12, submitsPer10Minutes: 7 },
    });
    try {
      const citizen = new Citizen(limited.app, { 'X-Forwarded-For': '198.51.100.77' });
      await citizen.get('/en/withdraw');
      const statuses = async (path: string, fields: Record<string, string>) =>
        (await Promise.all(Array.from({ length: 20 }, () => citizen.post(path, fields))))
          .map((res) => res.status)
          .sort();
      // A section posted without a draft goes back to the start page (303).
      const sections = await statuses(`/en/q/${DEMO}/s/1`, { action: 'next' });
      expect(sections).toEqual([...Array(12).fill(303), ...Array(8).fill(429)]);
      // Withdrawals count against their own limit only (an unknown code: 400).
      const withdrawals = await statuses('/en/withdraw', { code: 'AAAA-BBBB-CCCC-DDDD' });
      expect(withdrawals).toEqual([...Array(7).fill(400), ...Array(13).fill(429)]);
      const hits = await limited.db('rate_limits').orderBy('key').pluck('hits');
      expect(hits).toEqual([20, 20]);
    } finally {
      await limited.close();
    }
  });

  it('do not count another address', async () => {
    const res = await request(t.app).get('/healthz');
    expect(res.status).toBe(200);
    await completeDemo(new Citizen(t.app, { 'X-Forwarded-For': '192.0.2.44' }), 'en');
  });
});
