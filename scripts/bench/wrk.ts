/**
 * Load with wrk (Debian's `wrk` package; also in Homebrew and most distributions): a load
 * generator in C, which costs the 2 cores of a small machine a few microseconds a request where
 * autocannon, in the bench's own node process, costs 70 (the same request again and again) to
 * 300 (a different request each time, as the final submits of different citizens are). On a
 * machine as small as the app needs, what the generator spends is taken from the app and its
 * database, so a lighter generator measures the app, not itself.
 *
 * One wrk thread (plenty for the rates of 2 cores) runs a Lua script written here: a fixed
 * request, or a list of requests sent once each, in order, after which it stops. It reports on
 * its last line, as JSON, what `Latencies` holds; for a list, also how many answers were the
 * one expected.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Latencies } from '../bench-results.js';

/** Whether `wrk` can be run on this machine. */
export function wrkAvailable(): boolean {
  const probe = spawnSync('wrk', ['--version'], { stdio: 'ignore' });
  return probe.error === undefined;
}

/** A request as wrk sends it. */
export interface WrkRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** What an answer must be to count as expected (by default: any 2xx status). */
export interface Expected {
  status?: number;
  location?: string;
}

export interface WrkResult {
  latencies: Latencies;
  /** Seconds from the first request sent to the end (for a list: to its last answer). */
  seconds: number;
  /** For a list: answers as expected, and the others with the first few statuses. */
  expected: number;
  unexpected: number;
  statuses: number[];
}

/** A Lua string literal holding `text` exactly. */
function lua(text: string): string {
  return `"${[...Buffer.from(text, 'utf8')].map((b) => `\\${b}`).join('')}"`;
}

function luaTable(entries: Record<string, string>): string {
  return `{${Object.entries(entries)
    .map(([name, value]) => `[${lua(name)}] = ${lua(value)}`)
    .join(', ')}}`;
}

/** What wrk prints once every request of a list has its answer. */
const ALL_ANSWERED = 'consulta-bench: all answered';

/** Counting the answers, and the report on the last line (percentiles are in microseconds). */
const COUNT_AND_REPORT = `
local threads = {}
function setup(thread) table.insert(threads, thread) end

answered, expected, unexpected, statuses = 0, 0, 0, ""

local function located(headers)
  for name, value in pairs(headers) do
    if string.lower(name) == "location" then return value end
  end
  return nil
end

function response(status, headers, body)
  answered = answered + 1
  local status_ok = (expect_status == nil and status >= 200 and status < 300) or status == expect_status
  if status_ok and (expect_location == nil or located(headers) == expect_location) then
    expected = expected + 1
  else
    unexpected = unexpected + 1
    if unexpected <= 5 then statuses = statuses .. "," .. status end
  end
  if total ~= nil and answered == total then
    -- wrk itself runs for its whole duration: the bench stops it (SIGINT) on this line.
    io.write("${ALL_ANSWERED}\\n")
    io.flush()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local e, u, s = 0, 0, ""
  for _, thread in ipairs(threads) do
    e = e + thread:get("expected")
    u = u + thread:get("unexpected")
    s = s .. thread:get("statuses")
  end
  local p = function(q) return latency:percentile(q) end
  local errors = summary.errors
  io.write(string.format(
    '\\n{"requests":%d,"durationUs":%d,"p50":%d,"p95":%d,"p99":%d,"max":%d,' ..
    '"errors":%d,"timeouts":%d,"expected":%d,"unexpected":%d,"statuses":[%s]}\\n',
    summary.requests, summary.duration, p(50), p(95), p(99), latency.max,
    errors.connect + errors.read + errors.write, errors.timeout, e, u, string.sub(s, 2)))
end
`;

function expectation(expect: Expected): string {
  const or = (value: string | number | undefined, text: (v: string | number) => string) =>
    value === undefined ? 'nil' : text(value);
  return `expect_status = ${or(expect.status, String)}
expect_location = ${or(expect.location, (v) => lua(String(v)))}`;
}

function fixedScript(request: WrkRequest, expect: Expected): string {
  return `wrk.method = ${lua(request.method)}
wrk.path = ${lua(request.path)}
wrk.headers = ${luaTable(request.headers)}
${request.body === undefined ? '' : `wrk.body = ${lua(request.body)}`}
${expectation(expect)}
${COUNT_AND_REPORT}`;
}

/**
 * A list: read from `file`, one request per line as `method path cookie body` separated by
 * tabs; each is sent once. When the list is done, a connection that asks for another sends
 * nothing and waits (wrk stops once the last answer is in).
 */
function listScript(file: string, expect: Expected): string {
  return `${expectation(expect)}
-- wrk calls request() once before it connects, to check what it returns: that call gets the
-- first request without using it up.
local list, next_one = {}, 0
function init(args)
  for line in io.lines(${lua(file)}) do
    local method, path, cookie, body = string.match(line, "^([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t(.*)$")
    local headers = { ["Cookie"] = cookie }
    if body ~= "" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
    table.insert(list, wrk.format(method, path, headers, body ~= "" and body or nil))
  end
  total = #list
end
function request()
  if next_one == 0 then
    next_one = 1
    return list[1] or ""
  end
  local r = list[next_one]
  if r == nil then return "" end
  next_one = next_one + 1
  return r
end
${COUNT_AND_REPORT}`;
}

interface RunOptions {
  connections: number;
  seconds: number;
}

function run(url: string, script: string, options: RunOptions): Promise<WrkResult> {
  const folder = mkdtempSync(join(tmpdir(), 'consulta-wrk-'));
  const file = join(folder, 'load.lua');
  writeFileSync(file, script);
  const args = [
    '-t1',
    `-c${options.connections}`,
    `-d${options.seconds}s`,
    '--timeout',
    '30s',
    '-s',
    file,
    url,
  ];
  return new Promise<WrkResult>((done, fail) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(ALL_ANSWERED)) child.kill('SIGINT');
    });
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => {
      rmSync(folder, { recursive: true, force: true });
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('{')) {
        fail(new Error(`wrk ended with ${code}: ${(err || out).trim().slice(0, 500)}`));
        return;
      }
      const r = JSON.parse(last) as {
        requests: number;
        durationUs: number;
        p50: number;
        p95: number;
        p99: number;
        max: number;
        errors: number;
        timeouts: number;
        expected: number;
        unexpected: number;
        statuses: number[];
      };
      const seconds = r.durationUs / 1e6;
      const ms = (us: number) => Math.round(us / 100) / 10;
      done({
        latencies: {
          requests: r.requests,
          requestsPerSecond: seconds > 0 ? Math.round((r.requests / seconds) * 10) / 10 : 0,
          p50: ms(r.p50),
          p95: ms(r.p95),
          p99: ms(r.p99),
          max: ms(r.max),
          errors: r.errors + r.timeouts,
          non2xx: r.unexpected,
        },
        seconds,
        expected: r.expected,
        unexpected: r.unexpected,
        statuses: r.statuses,
      });
    });
  });
}

/** The same request for `seconds`, by `connections` at once; answers other than `expect`
 * (by default any 2xx) count as non2xx. */
export function wrkFixed(
  url: string,
  request: WrkRequest,
  options: RunOptions & { expect?: Expected },
): Promise<WrkResult> {
  return run(url, fixedScript(request, options.expect ?? {}), options);
}

/** Each request of `list` once, in order, by `connections` at once; stops after `seconds`
 * whatever is left. Cookies and bodies must not hold tabs or line breaks. */
export function wrkList(
  url: string,
  list: WrkRequest[],
  options: RunOptions & { expect: Expected },
): Promise<WrkResult> {
  const folder = mkdtempSync(join(tmpdir(), 'consulta-wrk-list-'));
  const file = join(folder, 'requests.tsv');
  const line = (r: WrkRequest) => {
    const fields = [r.method, r.path, r.headers.cookie ?? '', r.body ?? ''];
    if (fields.some((f) => /[\t\r\n]/.test(f)))
      throw new Error('a request of the list holds a tab or a line break');
    return fields.join('\t');
  };
  writeFileSync(file, `${list.map(line).join('\n')}\n`);
  return run(url, listScript(file, options.expect), {
    ...options,
    connections: Math.min(options.connections, list.length),
  }).finally(() => rmSync(folder, { recursive: true, force: true }));
}
