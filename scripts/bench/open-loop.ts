/**
 * An open-loop load generator for `npm run bench`: each request leaves at its scheduled time,
 * whatever the answers to the ones before (as citizens do), and its latency counts from that
 * time, so a stall of the app shows in full rather than slowing the generator down. wrk cannot
 * do this (it waits for an answer before it sends again), and fetch costs the machine about as
 * much as the app's own work on a submit; this writes prepared requests on plain keep-alive
 * sockets and reads no more of each answer than its status line, its Location and its length.
 */
import { connect, type Socket } from 'node:net';
import type { WrkRequest } from './wrk.js';

export interface OpenLoopAnswer {
  /** Milliseconds from the request's scheduled time to the end of its answer. */
  ms: number;
  status: number;
  location: string | undefined;
}

export interface OpenLoopResult {
  answers: OpenLoopAnswer[];
  /** Requests that failed (connection refused or closed before the answer), with a reason. */
  errors: string[];
  /** Requests with no answer when the grace period ended. */
  unanswered: number;
  /** Seconds from the first scheduled time to the last answer. */
  seconds: number;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const LAST_CHUNK = Buffer.from('\r\n0\r\n\r\n');

function requestBytes(host: string, r: WrkRequest): Buffer {
  const body = Buffer.from(r.body ?? '');
  const headers = [`Host: ${host}`, 'Connection: keep-alive'];
  for (const [name, value] of Object.entries(r.headers)) headers.push(`${name}: ${value}`);
  if (r.body !== undefined) headers.push(`Content-Length: ${body.length}`);
  return Buffer.concat([
    Buffer.from(`${r.method} ${r.path} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`),
    body,
  ]);
}

/** The status, Location and body length of a response head (the bytes before \r\n\r\n). */
function parseHead(head: string) {
  const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
  const location = /\r\nlocation: *([^\r]*)/i.exec(head)?.[1];
  const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
  const chunked = /\r\ntransfer-encoding: *chunked/i.test(head);
  return { status, location, length, chunked };
}

/** One keep-alive connection: one request at a time, answered in order. */
class Connection {
  private readonly socket: Socket;
  private buffered: Buffer = Buffer.alloc(0);
  private current: { due: number; done: (a: OpenLoopAnswer | Error) => void } | undefined;
  closed = false;

  constructor(port: number, onFree: (c: Connection) => void) {
    this.socket = connect({ port, host: '127.0.0.1', noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
      const end = this.buffered.indexOf(HEAD_END);
      if (end < 0 || !this.current) return;
      const head = parseHead(this.buffered.subarray(0, end).toString('latin1'));
      let size = end + 4 + head.length;
      if (head.chunked) {
        const last = this.buffered.indexOf(LAST_CHUNK, end + 2);
        if (last < 0) return;
        size = last + LAST_CHUNK.length;
      }
      if (this.buffered.length < size) return;
      this.buffered = this.buffered.subarray(size);
      const { due, done } = this.current;
      this.current = undefined;
      done({ ms: performance.now() - due, status: head.status, location: head.location });
      onFree(this);
    });
    const fail = (error: Error) => {
      this.closed = true;
      const current = this.current;
      this.current = undefined;
      current?.done(error);
    };
    this.socket.on('error', fail);
    this.socket.on('close', () => fail(new Error('the connection closed before the answer')));
  }

  send(bytes: Buffer, due: number, done: (a: OpenLoopAnswer | Error) => void): void {
    this.current = { due, done };
    this.socket.write(bytes);
  }

  end(): void {
    this.closed = true;
    this.socket.destroy();
  }
}

/**
 * Sends `requests` at `rate` per second, the i-th at start + i/rate, each on a free connection
 * (a new one when none is free); waits at most `graceSeconds` after the last was sent.
 */
export async function openLoop(
  base: string,
  requests: WrkRequest[],
  options: { rate: number; graceSeconds: number },
): Promise<OpenLoopResult> {
  const url = new URL(base);
  const port = Number(url.port);
  const prepared = requests.map((r) => requestBytes(url.host, r));
  const answers: OpenLoopAnswer[] = [];
  const errors: string[] = [];
  const free: Connection[] = [];
  const all: Connection[] = [];
  const onFree = (c: Connection) => {
    if (!c.closed) free.push(c);
  };
  let pending = 0;
  let lastAnswer = 0;
  let allAnswered: () => void = () => {};
  const answered = new Promise<void>((r) => (allAnswered = r));
  const start = performance.now() + 50;
  for (const [i, bytes] of prepared.entries()) {
    const due = start + (i * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    let connection = free.pop();
    while (connection?.closed) connection = free.pop();
    if (!connection) {
      connection = new Connection(port, onFree);
      all.push(connection);
    }
    pending++;
    connection.send(bytes, due, (answer) => {
      pending--;
      lastAnswer = performance.now();
      if (answer instanceof Error) errors.push(answer.message);
      else answers.push(answer);
      if (pending === 0 && answers.length + errors.length === prepared.length) allAnswered();
    });
  }
  const grace = new Promise<void>((r) => setTimeout(r, options.graceSeconds * 1000).unref());
  await Promise.race([answered, grace]);
  const unanswered = pending;
  for (const c of all) c.end();
  return { answers, errors, unanswered, seconds: Math.max(0, lastAnswer - start) / 1000 };
}
