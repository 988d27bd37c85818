import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { ROOT } from '../../src/paths.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { DEMO, encodeForm } from '../helpers/citizen.js';
import { databaseUrlOf } from '../helpers/cli.js';
import { account, PASSWORD } from '../helpers/coordinator.js';
import { exchange, HttpBrowser } from '../helpers/http-browser.js';

/**
 * The server as `npm start` runs it, a real process on this file's database, with two serving
 * processes and with one. Which process did what is read from the log lines, which carry the pid
 * of the process that wrote them when there are several.
 */
interface LogLine {
  msg?: string;
  pid?: number;
  worker?: number;
  method?: string;
  route?: string;
  status?: number;
  port?: number;
  processes?: number;
  workerPid?: number;
}

interface Running {
  child: ChildProcess;
  lines: LogLine[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: string | null }>;
}

/** Starts src/server.ts as `npm start` does, with these settings; its own tsx, no vitest. */
function startServer(env: Record<string, string>): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    // vitest puts Vite's BASE_URL ('/') into the environment; the server must not see it.
    env: { ...process.env, BASE_URL: '', NODE_ENV: 'test', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: LogLine[] = [];
  let pending = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop() ?? '';
    for (const part of parts) if (part.startsWith('{')) lines.push(JSON.parse(part) as LogLine);
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, lines, stderr: () => stderr, exited };
}

/** Waits until `find` gives something other than undefined or false, polling. */
async function until<T>(
  find: () => T | undefined | false | Promise<T | undefined | false>,
  what: string,
  ms = 60_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await find();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const requests = (lines: LogLine[], like: LogLine) =>
  lines.filter(
    (l) =>
      l.msg === 'request' &&
      Object.entries(like).every(([key, value]) => l[key as keyof LogLine] === value),
  );

let t: TestApp;
/** Where the servers keep the secret they generate (beside the embedded database's folder). */
const folder = mkdtempSync(join(tmpdir(), 'consulta-server-'));
/** The server of the running describe block, for the failure report. */
let current: Running | undefined;

beforeAll(async () => {
  t = await createTestApp();
});

// What the server said last, to tell why a test failed.
beforeEach(() =>
  onTestFailed(() =>
    console.error(
      'server stderr:',
      current?.stderr(),
      '\nlast log lines:',
      current?.lines.slice(-20).map((l) => JSON.stringify(l)),
    ),
  ),
);

afterAll(async () => {
  await t.close();
  rmSync(folder, { recursive: true, force: true });
});

/**
 * Starts the server on this file's database, on a port of its choosing, and waits until it
 * says it listens (and, with several processes, until each worker has said so too).
 */
async function startListening(processes: number): Promise<{ running: Running; port: number }> {
  const running = startServer({
    DATABASE_URL: databaseUrlOf(t.db),
    WEB_CONCURRENCY: String(processes),
    PORT: '0',
    LOG_LEVEL: 'info',
    SESSION_SECRET: '',
    EMBEDDED_PG_DIR: join(folder, 'postgres'),
  });
  current = running;
  const announced = await until(
    () => running.lines.find((l) => l.msg === 'listening' && l.processes === processes),
    'the server to listen',
    90_000,
  );
  if (processes > 1)
    await until(
      () => workerPids(running).length === processes,
      'every worker to log that it listens',
    );
  return { running, port: announced.port as number };
}

async function stopNow(running: Running): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill('SIGKILL');
  await running.exited;
}

const workerPids = (running: Running) =>
  running.lines.filter((l) => l.msg === 'listening' && l.worker !== undefined).map((l) => l.pid);

/** A coordinator's browser, signed in through the server. */
async function signedInBrowser(origin: string, email: string): Promise<HttpBrowser> {
  await account(t.deps, email, 'coordinator', ['PL']);
  const browser = new HttpBrowser([origin]);
  await browser.get('/admin/sign-in');
  expect((await browser.post('/admin/sign-in', { email, password: PASSWORD })).status).toBe(303);
  return browser;
}

/** Whether a new connection to the port is refused now. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'ECONNREFUSED'));
  });
}

/**
 * A coordinator changes their password while the server is told to stop: SIGTERM arrives when
 * the request is in progress, its body half uploaded. New connections must be refused, the
 * request must finish (200, and the change stored before the pool closes), and the server must
 * then exit 0. `processes` is how many processes log that they drain.
 */
async function expectDrainOnSigterm(running: Running, port: number, processes: number) {
  const email = `draining.${processes}@example.org`;
  const browser = await signedInBrowser(`http://127.0.0.1:${port}`, email);
  await browser.get('/admin/password');
  const changed = 'a new passphrase while stopping';
  const body = encodeForm({
    _csrf: browser.csrf,
    current: PASSWORD,
    password: changed,
    confirm: changed,
  });
  const half = Math.floor(body.length / 2);
  // The server answers "100 Continue" once a process has read the headers and handed the
  // request to the app: from then on it is in progress, its body only half sent.
  const socket: Socket = connect(port, '127.0.0.1');
  let reply = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (reply += chunk));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(
    [
      'POST /admin/password HTTP/1.1',
      `Host: 127.0.0.1:${port}`,
      `Cookie: ${browser.cookieHeader()}`,
      'Content-Type: application/x-www-form-urlencoded',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Expect: 100-continue',
      '',
      '',
    ].join('\r\n') + body.slice(0, half),
  );
  await until(() => reply.includes('100 Continue'), '100 Continue', 20_000);

  running.child.kill('SIGTERM');
  await until(
    () =>
      running.lines.filter((l) => l.msg === 'draining requests, then stopping').length ===
      processes,
    `${processes} processes to drain`,
    20_000,
  );
  await until(() => refused(port), 'new connections to be refused', 20_000);
  expect(running.child.exitCode).toBeNull();

  // Not end(): a client that half-closes its side has its request abandoned by the server.
  socket.write(body.slice(half));
  await closed;
  expect(reply).toMatch(/HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  expect(reply).toMatch(/\r\nConnection: close\r\n/i);
  expect(reply).toContain('Your password has been changed.');
  expect(await running.exited).toEqual({ code: 0, signal: null });
  expect(await t.deps.accounts.signIn(email, changed)).toBeDefined();
}

describe('npm start with WEB_CONCURRENCY=2', () => {
  let server: Running;
  let port: number;
  let origin: string;
  beforeAll(async () => {
    ({ running: server, port } = await startListening(2));
    origin = `http://127.0.0.1:${port}`;
  }, 120_000);
  afterAll(() => stopNow(server));

  it('serves from two worker processes and keeps house in the primary only', async () => {
    const workers = workerPids(server);
    expect(new Set(workers).size).toBe(2);
    expect(workers).not.toContain(server.child.pid);
    for (let i = 0; i < 6; i++)
      expect((await exchange(origin, 'GET', '/healthz')).status).toBe(200);
    const answered = await until(() => {
      const lines = requests(server.lines, { route: '/healthz', status: 200 });
      return lines.length >= 6 ? lines : undefined;
    }, 'six request lines');
    expect(new Set(answered.map((l) => l.pid))).toEqual(new Set(workers));
    const housekeeping = server.lines.filter((l) => l.msg === 'housekeeping runs in this process');
    expect(housekeeping.map((l) => l.pid)).toEqual([server.child.pid]);
  });

  it("accepts on one worker a citizen's token and draft from the other", async () => {
    const citizen = new HttpBrowser([origin]);
    await citizen.get(`/en/q/${DEMO}`);
    const started = await citizen.post(`/en/q/${DEMO}/start`);
    expect(started.status).toBe(303);
    expect((await citizen.get(`/en/q/${DEMO}/s/1`)).status).toBe(200);
    const pidOf = (like: LogLine) =>
      until(() => requests(server.lines, like)[0]?.pid, `${like.method} ${like.route}`);
    const page = await pidOf({ method: 'GET', route: '/en/q/:slug', status: 200 });
    const start = await pidOf({ method: 'POST', route: '/en/q/:slug/start', status: 303 });
    const section = await pidOf({ method: 'GET', route: '/en/q/:slug/s/:n', status: 200 });
    expect(start).not.toBe(page);
    expect(section).not.toBe(start);
  });

  it('keeps a coordinator signed in on both workers', async () => {
    const browser = await signedInBrowser(origin, 'both.workers@example.org');
    expect((await browser.get('/admin/password')).status).toBe(200);
    expect((await browser.get('/admin/password')).status).toBe(200);
    const pages = await until(() => {
      const lines = requests(server.lines, { method: 'GET', route: '/admin/password' });
      return lines.length >= 2 ? lines : undefined;
    }, 'two password pages');
    expect(new Set(pages.map((l) => l.pid)).size).toBe(2);
  });

  it('replaces a worker that dies', async () => {
    const [victim, survivor] = workerPids(server);
    process.kill(victim as number, 'SIGKILL');
    const replacement = await until(
      () => workerPids(server).find((pid) => pid !== victim && pid !== survivor),
      'a new worker',
      30_000,
    );
    const died = server.lines.find((l) => l.msg === 'worker died; starting another');
    expect(died).toMatchObject({ pid: server.child.pid, workerPid: victim });
    const before = requests(server.lines, { route: '/healthz' }).length;
    for (let i = 0; i < 4; i++)
      expect((await exchange(origin, 'GET', '/healthz')).status).toBe(200);
    const answered = await until(() => {
      const lines = requests(server.lines, { route: '/healthz' }).slice(before);
      return lines.length >= 4 ? lines : undefined;
    }, 'four request lines');
    expect(new Set(answered.map((l) => l.pid))).toEqual(new Set([survivor, replacement]));
  }, 60_000);

  it('on SIGTERM, stops accepting, finishes a request still being uploaded, then exits 0', async () => {
    await expectDrainOnSigterm(server, port, 3);
  }, 90_000);
});

describe('npm start with one process (the default)', () => {
  let server: Running;
  let port: number;
  beforeAll(async () => {
    ({ running: server, port } = await startListening(1));
  }, 120_000);
  afterAll(() => stopNow(server));

  it('keeps house in that process and runs no workers', () => {
    expect(server.lines.filter((l) => l.msg === 'housekeeping runs in this process')).toHaveLength(
      1,
    );
    expect(workerPids(server)).toEqual([]);
  });

  it('on SIGTERM, stops accepting, finishes a request still being uploaded, then exits 0', async () => {
    await expectDrainOnSigterm(server, port, 1);
  }, 90_000);
});

describe('WEB_CONCURRENCY out of range', () => {
  it('stops the start with a message naming the setting', async () => {
    const refusedStart = startServer({ WEB_CONCURRENCY: '65', DATABASE_URL: databaseUrlOf(t.db) });
    expect((await refusedStart.exited).code).toBe(1);
    expect(refusedStart.stderr()).toContain(
      'WEB_CONCURRENCY: must be a whole number of processes from 1 to 64',
    );
  });
});
