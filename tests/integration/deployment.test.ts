import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config.js';
import { PATHS, ROOT } from '../../src/paths.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
}

/** The Dockerfile's instructions, stage by stage: continuation lines joined, comments left out. */
function dockerfileStages(text: string): Instruction[][] {
  const stages: Instruction[][] = [];
  const lines = text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  for (const line of lines) {
    const [keyword = '', ...args] = line.split(/\s+/);
    if (keyword.toUpperCase() === 'FROM') stages.push([]);
    stages.at(-1)?.push({ keyword: keyword.toUpperCase(), args: args.join(' ') });
  }
  return stages;
}

const stages = dockerfileStages(read('Dockerfile'));
const runtime = stages.at(-1) ?? [];
const runtimeArgs = (keyword: string) =>
  runtime.filter((i) => i.keyword === keyword).map((i) => i.args);
/** The sources of a stage's COPY instructions from the build context. */
const copiedFromContext = (stage: Instruction[]) =>
  stage
    .filter((i) => i.keyword === 'COPY' && !i.args.startsWith('--from'))
    .flatMap((i) => i.args.split(/\s+/).slice(0, -1));

/** Whether `.dockerignore` keeps a top-level entry out of the build context (last rule wins). */
function ignoredByDocker(name: string): boolean {
  let ignored = false;
  for (const rule of read('.dockerignore')
    .split('\n')
    .map((line) => line.trim())) {
    if (rule === '' || rule.startsWith('#')) continue;
    const pattern = rule.replace(/^!/, '').replace(/\/$/, '');
    if (pattern === '*' || pattern === name) ignored = !rule.startsWith('!');
  }
  return ignored;
}

type Environment = Record<string, string>;

/** Compose's `${NAME}`, `${NAME:-default}` and `${NAME:?error}`, with `shell` as the environment. */
function interpolate(value: string, shell: Environment): string {
  return value.replace(
    /\$\{(\w+)(?::([-?])([^}]*))?\}/g,
    (_match, name: string, operator: string | undefined, argument: string | undefined) => {
      const set = shell[name];
      if (set !== undefined && set !== '') return set;
      if (operator === '?') throw new Error(`${name}: ${argument}`);
      return operator === '-' ? (argument ?? '') : '';
    },
  );
}

interface Service {
  image?: string;
  build?: unknown;
  restart?: string;
  environment: Record<string, string | number>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
}

const compose = parse(read('docker-compose.yml')) as {
  services: Record<'db' | 'app', Service>;
  volumes: Record<string, unknown>;
};
const { db, app } = compose.services;

const REQUIRED: Environment = {
  POSTGRES_PASSWORD: 'pg0password',
  SESSION_SECRET: 'a-session-secret-of-at-least-32-characters',
  BASE_URL: 'https://consultation.example.org',
};

/** The app container's environment as Compose would give it, from `shell`. */
const appEnvironment = (shell: Environment): Environment =>
  Object.fromEntries(
    Object.entries(app.environment).map(([name, value]) => [name, interpolate(`${value}`, shell)]),
  );

const without = (name: string): Environment =>
  Object.fromEntries(Object.entries(REQUIRED).filter(([key]) => key !== name));

/** `docker compose` (v2), else `docker-compose` (v1), when either is installed. */
const composeCommand = [['docker', 'compose'], ['docker-compose']].find(
  ([command = '', ...args]) =>
    spawnSync(command, [...args, 'version'], { stdio: 'ignore' }).status === 0,
);

function runComposeConfig(shell: Environment) {
  const [command = '', ...args] = composeCommand ?? [];
  return spawnSync(command, [...args, '-f', 'docker-compose.yml', 'config', '-q'], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...shell },
  });
}

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('the production image (Dockerfile)', () => {
  it('is built in two stages, and the runtime stage takes only the compiled code from the build', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const buildStage = /\bAS\s+(\S+)/i.exec(stages[0]![0]!.args)?.[1];
    expect(buildStage).toBeDefined();
    // Starting from a fresh image, not from the build stage with its dev dependencies.
    expect(runtime[0]!.args.split(/\s+/)[0]).not.toBe(buildStage);
    expect(runtimeArgs('COPY')).toContain(`--from=${buildStage} /app/dist ./dist`);
    expect(runtimeArgs('RUN').join(' ')).toMatch(/npm ci --omit=dev/);
  });

  it('runs the app as a user that is not root', () => {
    const users = runtimeArgs('USER');
    expect(users).toHaveLength(1);
    expect(users[0]).not.toMatch(/^(root|0)(:|$)/);
    const index = (keyword: string) => runtime.findIndex((i) => i.keyword === keyword);
    expect(index('USER')).toBeLessThan(index('CMD'));
  });

  it('starts the compiled server, a file that `npm run build` produces', () => {
    const [node, entry = ''] = JSON.parse(runtimeArgs('CMD')[0] ?? '[]') as string[];
    expect(node).toBe('node');
    const build = JSON.parse(read('tsconfig.build.json')) as {
      extends?: string;
      include: string[];
    };
    const base = JSON.parse(read(build.extends ?? 'tsconfig.json')) as {
      compilerOptions: { outDir: string; rootDir: string };
    };
    expect(base.compilerOptions.rootDir).toBe('.');
    const outDir = base.compilerOptions.outDir;
    expect(entry.startsWith(`${outDir}/`)).toBe(true);
    const source = entry.slice(outDir.length + 1).replace(/\.js$/, '.ts');
    expect(existsSync(join(ROOT, source))).toBe(true);
    expect(build.include).toContain(source.split('/')[0]);
    // The migrations are a static list imported by the code, compiled with it.
    expect(build.include).toContain('migrations');
    for (const folder of build.include) expect(copiedFromContext(stages[0]!)).toContain(folder);
  });

  it('copies every folder the app reads at run time', () => {
    const copied = copiedFromContext(runtime);
    for (const path of Object.values(PATHS)) {
      const folder = relative(ROOT, path).split(sep)[0]!;
      expect(copied, folder).toContain(folder);
    }
  });

  it('checks its health on a path that answers 200 while the database answers', async () => {
    const path = /http:\/\/127\.0\.0\.1:\$\{PORT\}(\/\w+)/.exec(
      runtimeArgs('HEALTHCHECK')[0]!,
    )?.[1];
    expect(path).toBe('/readyz');
    expect((await request(t.app).get(path!)).status).toBe(200);
  });

  it('sends the builder what it copies, and no node_modules, database, history or secrets', () => {
    for (const stage of stages)
      for (const source of copiedFromContext(stage))
        expect(ignoredByDocker(source), source).toBe(false);
    for (const kept of ['node_modules', '.data', '.git', 'bench-results', 'dist', '.env'])
      expect(ignoredByDocker(kept), kept).toBe(true);
  });
});

describe('docker-compose.yml', () => {
  it("keeps PostgreSQL's data in a named volume where the postgres 18 image puts it", () => {
    expect(db.image).toMatch(/^postgres:18(\.|-|$)/);
    const [volume, target] = (db.volumes ?? [])[0]!.split(':');
    expect(compose.volumes).toHaveProperty(volume!);
    expect(target).toBe('/var/lib/postgresql');
  });

  it('starts the app only once the database answers its health check, and restarts both', () => {
    expect(db.healthcheck?.test.join(' ')).toContain('pg_isready');
    expect(app.depends_on?.db?.condition).toBe('service_healthy');
    expect(app.build).toBe('.');
    expect(db.restart).toBe('unless-stopped');
    expect(app.restart).toBe('unless-stopped');
  });

  it('refuses to start without the database password, the session secret or the public address', () => {
    expect(() => appEnvironment(REQUIRED)).not.toThrow();
    for (const name of Object.keys(REQUIRED))
      expect(() => appEnvironment(without(name)), name).toThrow(name);
  });

  it('gives the app a valid production configuration, on the db service, in 2 processes by default', () => {
    const environment = appEnvironment(REQUIRED);
    const config = loadConfig(environment);
    expect(config.NODE_ENV).toBe('production');
    expect(new URL(config.DATABASE_URL!).hostname).toBe('db');
    expect(new URL(config.DATABASE_URL!).password).toBe(REQUIRED.POSTGRES_PASSWORD);
    expect(config.WEB_CONCURRENCY).toBe(2);
    expect(config.BASE_URL).toBe(REQUIRED.BASE_URL);
    // Every variable it sets is a setting the app knows: a misspelt name would be ignored.
    for (const name of Object.keys(environment)) expect(config, name).toHaveProperty(name);
    const tuned = loadConfig(
      appEnvironment({ ...REQUIRED, WEB_CONCURRENCY: '4', LOG_LEVEL: 'warn' }),
    );
    expect(tuned.WEB_CONCURRENCY).toBe(4);
    expect(tuned.LOG_LEVEL).toBe('warn');
  });

  it.skipIf(!composeCommand)(
    'is valid for `docker compose config`, which names a missing secret',
    () => {
      const valid = runComposeConfig(REQUIRED);
      expect(valid.status, valid.stderr).toBe(0);
      const missing = runComposeConfig(without('SESSION_SECRET'));
      expect(missing.status).not.toBe(0);
      expect(missing.stderr).toContain('SESSION_SECRET');
    },
  );
});
