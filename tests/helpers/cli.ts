import { execFile } from 'node:child_process';
import { ROOT } from '../../src/paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command line against a database, with text on its standard input (a piped password). */
export function runCli(
  databaseUrl: string,
  input: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/index.ts', ...args],
      // vitest puts Vite's BASE_URL ('/') into the environment; the CLI must not see it.
      {
        cwd: ROOT,
        env: { ...process.env, BASE_URL: '', DATABASE_URL: databaseUrl, NODE_ENV: 'test', ...env },
      },
      (error, stdout, stderr) =>
        resolve({
          code: error ? Number((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
        }),
    );
    child.stdin?.end(input);
  });
}

/** The connection URL of a test app's own database. */
export function databaseUrlOf(db: { client: { config: { connection: unknown } } }): string {
  return (db.client.config.connection as { connectionString: string }).connectionString;
}
