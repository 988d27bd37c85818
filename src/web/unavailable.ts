import type { Response } from 'express';
import type { Logger } from '../logger.js';

/**
 * How long a client should wait before trying again (the `Retry-After` header of every 503): a
 * restarted or failed-over PostgreSQL is usually back within this, and a citizen reading the page
 * takes about as long.
 */
export const RETRY_AFTER_SECONDS = 30;

/** Failures of the network path to PostgreSQL, as Node's sockets and resolver name them. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that is shutting down, crashed, starting up or full. Class 08 (connection
 * exception) is added below, except 08P01 (protocol violation), which a malformed query can cause.
 */
const SERVER_CODES = new Set(['57P01', '57P02', '57P03', '53300']);

/** Errors node-postgres raises without a code when the connection under a query goes away. */
const LOST_CONNECTION = [
  'Connection terminated unexpectedly',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];

interface ErrorFields {
  code?: unknown;
  severity?: unknown;
  name?: unknown;
  message?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function ownReason(error: ErrorFields): string | undefined {
  const code = typeof error.code === 'string' ? error.code : undefined;
  if (code !== undefined) {
    if (SOCKET_CODES.has(code) || SERVER_CODES.has(code)) return code;
    if (code.startsWith('08') && code !== '08P01') return code;
    // "database ... is not currently accepting connections" (ALTER DATABASE ... ALLOW_CONNECTIONS
    // false): the same code is an ordinary error inside a session, so only when it ends one.
    if (code === '55000' && error.severity === 'FATAL') return code;
    return undefined;
  }
  const message = typeof error.message === 'string' ? error.message : '';
  if (error.name === 'KnexTimeoutError' && message.startsWith('Knex: Timeout acquiring'))
    return 'acquire-timeout';
  if (message === 'Unable to acquire a connection') return 'pool-destroyed';
  // knex puts the query in front of the driver's message: "insert into ... - Connection ...".
  if (LOST_CONNECTION.some((text) => message === text || message.endsWith(` - ${text}`)))
    return 'connection-lost';
  return undefined;
}

/**
 * Why a call failed because PostgreSQL could not be reached or went away (a short reason for the
 * log), or undefined for any other failure, which stays a 500. Looks through `cause` and the
 * errors of an AggregateError (a refused connection to "localhost" is one per address).
 */
export function unreachableDatabase(error: unknown): string | undefined {
  return reasonWithin(error, 0);
}

function reasonWithin(error: unknown, depth: number): string | undefined {
  if (typeof error !== 'object' || error === null || depth > 3) return undefined;
  const fields = error as ErrorFields;
  const own = ownReason(fields);
  if (own !== undefined) return own;
  if (Array.isArray(fields.errors)) {
    const reasons = fields.errors.map((inner: unknown) => reasonWithin(inner, depth + 1));
    if (reasons.length > 0 && reasons.every((r) => r !== undefined)) return reasons[0];
  }
  return reasonWithin(fields.cause, depth + 1);
}

/** Starts a 503 answer: the status and when to try again. */
export function unavailable(res: Response): Response {
  return res.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS));
}

/**
 * Logs the outage with the request id and the short reason only: a database error's message can
 * quote a value PostgreSQL refused, which may be a citizen's answer.
 */
export function logUnreachable(logger: Logger, res: Response, reason: string): void {
  logger.error({ requestId: res.locals.requestId, reason }, 'database unreachable');
}
