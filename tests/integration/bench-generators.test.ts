import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLoop } from '../../scripts/bench/open-loop.js';
import { wrkAvailable, wrkFixed, wrkList, type WrkRequest } from '../../scripts/bench/wrk.js';

/**
 * The bench's load generators against a small server that records what it is sent: wrk (a list
 * of requests sent once each, and the same request again and again) and the open-loop sender
 * of the half-load phase.
 */
let server: Server;
let base: string;
const received: { method: string; path: string; cookie: string; body: string }[] = [];

function bodyOf(req: IncomingMessage): Promise<string> {
  return new Promise((done) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => done(body));
  });
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void bodyOf(req).then((body) => {
      const cookie = req.headers.cookie ?? '';
      received.push({ method: req.method ?? '', path: req.url ?? '', cookie, body });
      if (req.url === '/submit' && cookie.includes('refuse')) {
        res.writeHead(429, { 'content-type': 'text/plain' }).end('too many');
      } else if (req.url === '/submit') {
        res.writeHead(303, { location: '/done', 'content-length': '0' }).end();
      } else if (req.url === '/chunked') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('part one, ');
        res.end('part two');
      } else {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => new Promise<void>((done) => server.close(() => done())));

const submits = (cookies: string[]): WrkRequest[] =>
  cookies.map((cookie, i) => ({
    method: 'POST',
    path: '/submit',
    headers: { cookie },
    body: `_csrf=token-${i}`,
  }));

describe.skipIf(!wrkAvailable())('wrk, as the bench drives it', () => {
  it('sends each request of a list exactly once, counts the expected answers, and stops', async () => {
    received.length = 0;
    const cookies = Array.from({ length: 300 }, (_, i) => `draft=citizen-${i}`);
    cookies[17] = 'draft=refuse-me';
    const began = performance.now();
    const run = await wrkList(base, submits(cookies), {
      connections: 10,
      seconds: 30,
      expect: { status: 303, location: '/done' },
    });
    // It stopped once the last answer was in, long before its 30 s.
    expect(performance.now() - began).toBeLessThan(15_000);
    expect(run.expected).toBe(299);
    expect(run.unexpected).toBe(1);
    expect(run.statuses).toEqual([429]);
    expect(run.latencies.requests).toBe(300);
    const sent = received.filter((r) => r.path === '/submit');
    expect(sent.map((r) => r.cookie).sort()).toEqual([...cookies].sort());
    expect(new Set(sent.map((r) => r.body)).size).toBe(300);
    expect(sent.every((r) => r.method === 'POST')).toBe(true);
  });

  it('loads one request for its seconds and reports the rate and the latencies', async () => {
    received.length = 0;
    const run = await wrkFixed(
      `${base}/page?x=1`,
      { method: 'GET', path: '/page?x=1', headers: { cookie: 'a=b' } },
      { connections: 4, seconds: 1 },
    );
    expect(run.latencies.requests).toBeGreaterThan(100);
    expect(run.latencies.non2xx).toBe(0);
    expect(run.latencies.requestsPerSecond).toBeGreaterThan(100);
    expect(run.latencies.p50).toBeGreaterThan(0);
    expect(run.latencies.p99).toBeGreaterThanOrEqual(run.latencies.p50);
    expect(received.every((r) => r.path === '/page?x=1' && r.cookie === 'a=b')).toBe(true);
  });
});

describe('the open-loop sender of the half-load phase', () => {
  it('sends each request once, at its rate, and reads each answer', async () => {
    received.length = 0;
    const cookies = Array.from({ length: 100 }, (_, i) => `draft=paced-${i}`);
    cookies[3] = 'draft=refuse';
    const run = await openLoop(base, submits(cookies), { rate: 200, graceSeconds: 5 });
    expect(run.errors).toEqual([]);
    expect(run.unanswered).toBe(0);
    expect(run.answers).toHaveLength(100);
    expect(run.answers.filter((a) => a.status === 303 && a.location === '/done')).toHaveLength(99);
    expect(run.answers.filter((a) => a.status === 429)).toHaveLength(1);
    // 100 requests at 200/s leave over half a second.
    expect(run.seconds).toBeGreaterThan(0.45);
    expect(received.map((r) => r.cookie).sort()).toEqual([...cookies].sort());
    expect(received.map((r) => r.body)).toContain('_csrf=token-99');
  });

  it('reads answers of any length, chunked or not, on the same connection', async () => {
    const pages: WrkRequest[] = ['/chunked', '/page', '/chunked', '/page'].map((path) => ({
      method: 'GET',
      path,
      headers: {},
    }));
    const run = await openLoop(base, pages, { rate: 1000, graceSeconds: 5 });
    expect(run.answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(run.unanswered).toBe(0);
  });

  it('counts what a server never answers as unanswered once the grace period is over', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    try {
      const port = (silent.address() as AddressInfo).port;
      const run = await openLoop(`http://127.0.0.1:${port}`, submits(['a=1', 'a=2']), {
        rate: 100,
        graceSeconds: 0.5,
      });
      expect(run.unanswered).toBe(2);
      expect(run.answers).toEqual([]);
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((done) => silent.close(() => done()));
    }
  });
});
