import { createServer, type Server, type Socket } from 'node:net';
import knexFactory, { KnexTimeoutError } from 'knex';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/web/errors.js';
import { unreachableDatabase } from '../../src/web/unavailable.js';

/** An error as node-postgres builds it from a server's ErrorResponse. */
function serverError(code: string, severity: 'ERROR' | 'FATAL', message = 'from the server') {
  return Object.assign(new pg.DatabaseError(message, 100, 'error'), { code, severity });
}

const socketError = (code: string) => Object.assign(new Error(`connect ${code}`), { code });

/** A TCP server that accepts connections and never says a word, like a hung PostgreSQL. */
async function silentServer(): Promise<{ port: number; server: Server; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server, sockets };
}

async function closedPort(): Promise<number> {
  const { port, server } = await silentServer();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('telling an unreachable database from other failures', () => {
  it.each([
    ['a refused connection', socketError('ECONNREFUSED'), 'ECONNREFUSED'],
    ['a connection reset', socketError('ECONNRESET'), 'ECONNRESET'],
    ['a host name that does not resolve', socketError('ENOTFOUND'), 'ENOTFOUND'],
    ['an unreachable network', socketError('ENETUNREACH'), 'ENETUNREACH'],
    ['an administrator shutting the server down (57P01)', serverError('57P01', 'FATAL'), '57P01'],
    ['a crashed server (57P02)', serverError('57P02', 'FATAL'), '57P02'],
    ['a server starting up (57P03)', serverError('57P03', 'FATAL'), '57P03'],
    ['a server with no connection left (53300)', serverError('53300', 'FATAL'), '53300'],
    ['a connection failure (08006)', serverError('08006', 'FATAL'), '08006'],
    ['a connection that could not be made (08001)', serverError('08001', 'ERROR'), '08001'],
    ['a database closed to connections (55000, FATAL)', serverError('55000', 'FATAL'), '55000'],
    [
      'a pool that found no connection in time',
      new KnexTimeoutError('Knex: Timeout acquiring a connection. The pool is probably full.'),
      'acquire-timeout',
    ],
    ['a destroyed pool', new Error('Unable to acquire a connection'), 'pool-destroyed'],
    [
      'a connection lost under a query',
      new Error('Connection terminated unexpectedly'),
      'connection-lost',
    ],
    [
      'a connection lost under a query, as knex words it',
      new Error('update "drafts" set "answers" = \'{}\' - Connection terminated unexpectedly'),
      'connection-lost',
    ],
    [
      'a client that lost its connection before',
      new Error('Client has encountered a connection error and is not queryable'),
      'connection-lost',
    ],
    [
      'a client closed under a query',
      new Error('Client was closed and is not queryable'),
      'connection-lost',
    ],
    [
      'a refused connection to every address of a name',
      new AggregateError([socketError('ECONNREFUSED'), socketError('ECONNREFUSED')], ''),
      'ECONNREFUSED',
    ],
    [
      'a wrapped refused connection',
      new Error('session store failed', { cause: socketError('ECONNREFUSED') }),
      'ECONNREFUSED',
    ],
  ])('names %s', (_what, error, reason) => {
    expect(unreachableDatabase(error)).toBe(reason);
  });

  it.each([
    ['a unique violation', serverError('23505', 'ERROR')],
    ['a statement cancelled by its timeout', serverError('57014', 'ERROR')],
    ['an object not in the right state inside a session (55000)', serverError('55000', 'ERROR')],
    ['a protocol violation (08P01), which a malformed query causes', serverError('08P01', 'ERROR')],
    ['an authentication failure', serverError('28P01', 'FATAL')],
    ['a query timeout', new KnexTimeoutError('Defined query timeout of 1000ms exceeded')],
    ['a programming error', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a refused CSRF token', new HttpError(403, 'csrf')],
    ['a message that only mentions a lost connection', new Error('Connection terminated: no')],
    [
      'an AggregateError with one other failure',
      new AggregateError([socketError('ECONNREFUSED'), new TypeError('bug')], ''),
    ],
    ['an empty AggregateError', new AggregateError([], '')],
    ['nothing', undefined],
    ['a string', 'ECONNREFUSED'],
  ])('leaves %s to the 500 page', (_what, error) => {
    expect(unreachableDatabase(error)).toBeUndefined();
  });

  it('stops following a cycle of causes', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(unreachableDatabase(a)).toBeUndefined();
  });

  describe('with real drivers', () => {
    const silent: Awaited<ReturnType<typeof silentServer>>[] = [];
    afterAll(async () => {
      for (const { server, sockets } of silent) {
        for (const socket of sockets) socket.destroy();
        await new Promise((resolve) => server.close(resolve));
      }
    });

    it('names the error node-postgres gives for a port nobody listens on', async () => {
      const port = await closedPort();
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'x', database: 'x' });
      const error: unknown = await client.connect().catch((e: unknown) => e);
      expect(unreachableDatabase(error)).toBe('ECONNREFUSED');
    });

    it('names the error knex gives when the server accepts and never answers', async () => {
      const hung = await silentServer();
      silent.push(hung);
      const db = knexFactory({
        client: 'pg',
        connection: { host: '127.0.0.1', port: hung.port, user: 'x', database: 'x' },
        pool: { min: 0, max: 1 },
        acquireConnectionTimeout: 200,
        log: { warn: () => {} },
      });
      const error: unknown = await db.raw('select 1').catch((e: unknown) => e);
      expect(unreachableDatabase(error)).toBe('acquire-timeout');
      for (const socket of hung.sockets) socket.destroy();
      await db.destroy();
    });
  });
});
