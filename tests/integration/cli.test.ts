import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PATHS } from '../../src/paths.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { databaseUrlOf, runCli } from '../helpers/cli.js';
import { questionnaireFor } from '../helpers/coordinator.js';

let t: TestApp;
let databaseUrl: string;
const folder = mkdtempSync(join(tmpdir(), 'consulta-cli-'));

beforeAll(async () => {
  t = await createTestApp();
  databaseUrl = databaseUrlOf(t.db);
});
afterAll(async () => t.close());

/** Runs the CLI against this file's database, with text on its standard input (a piped password). */
const cliWithInput = (input: string, ...args: string[]) => runCli(databaseUrl, input, args);
const cli = (...args: string[]) => cliWithInput('', ...args);

describe('the command line', () => {
  it('imports a valid definition as a new version and exports it back', async () => {
    const demo = JSON.parse(readFileSync(PATHS.demoQuestionnaire, 'utf8'));
    const file = join(folder, 'copy.json');
    writeFileSync(file, JSON.stringify({ ...demo, slug: 'cli-copy' }));
    const imported = await cli('questionnaire:import', file);
    expect(imported.stdout).toContain('Imported "cli-copy" as version 1 (open)');
    const again = await cli('questionnaire:import', file, '--status', 'draft');
    expect(again.stdout).toContain('version 2 (draft)');
    const exported = await cli('questionnaire:export', 'cli-copy');
    expect(exported.code).toBe(0);
    expect(JSON.parse(exported.stdout).slug).toBe('cli-copy');
  });

  it('refuses an invalid definition and prints each error with its JSON path', async () => {
    const demo = JSON.parse(readFileSync(PATHS.demoQuestionnaire, 'utf8'));
    demo.slug = 'broken';
    demo.sections[1].questions[1].condition.question = 'age';
    delete demo.sections[0].questions[1].text.pl;
    const file = join(folder, 'broken.json');
    writeFileSync(file, JSON.stringify(demo));
    const result = await cli('questionnaire:import', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '$.sections[1].questions[1].condition: condition refers to question "age", which is not in an earlier section',
    );
    expect(result.stderr).toContain('$.sections[0].questions[1].text: missing text in: pl');
    expect(await t.db('questionnaires').where('slug', 'broken').first()).toBeUndefined();
  });

  it('closes a questionnaire', async () => {
    const result = await cli('questionnaire:status', 'genomic-data-sharing', 'closed');
    expect(result.stdout).toContain('is now closed');
    expect(
      (await t.db('questionnaires').where('slug', 'genomic-data-sharing').first()).status,
    ).toBe('closed');
  });

  it('rewrites the used access codes of a questionnaire so they share one transaction id', async () => {
    const q = await questionnaireFor(t.deps, 'cli-codes', 'PL', { mode: 'access-code' });
    const hashes = ['b1', 'b2', 'b3', 'b4'].map((h) => h.repeat(32));
    await t.deps.repositories.accessCodes.insert(q.id, hashes);
    for (const hash of hashes.slice(0, 3))
      await t
        .db('access_codes')
        .where({ questionnaire_id: q.id, code_hash: hash })
        .update({ used: true });
    const xmins = async () =>
      new Set(
        (
          (await t
            .db('access_codes')
            .where({ questionnaire_id: q.id, used: true })
            .select(t.db.raw('xmin::text as xmin'))) as { xmin: string }[]
        ).map((row) => row.xmin),
      );
    expect((await xmins()).size).toBe(3);
    const result = await cli('access-codes:rewrite', '--slug', 'cli-codes');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Rewrote 3 used access codes of "cli-codes"');
    expect((await xmins()).size).toBe(1);
    expect(await t.deps.repositories.accessCodes.counts(q.id)).toEqual({ total: 4, used: 3 });
    expect((await cli('access-codes:rewrite', '--slug', 'nowhere')).code).toBe(2);
    expect((await cli('access-codes:rewrite')).code).toBe(1);
  });

  it('explains unknown commands', async () => {
    const result = await cli('frobnicate');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Unknown command');
  });
});

describe('creating accounts from the command line', () => {
  it('creates the first administrator with a password read from standard input', async () => {
    const result = await cliWithInput(
      'a strong opening passphrase\n',
      'user:create',
      '--email',
      'First@Example.org',
      '--role',
      'admin',
    );
    expect(result.stdout).toContain('Created admin first@example.org');
    const row = await t.db('accounts').where('email', 'first@example.org').first();
    expect(row.role).toBe('admin');
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a weak password and a coordinator without countries', async () => {
    const weak = await cliWithInput(
      'password1234\n',
      'user:create',
      '--email',
      'weak@example.org',
      '--role',
      'admin',
    );
    expect(weak.code).toBe(2);
    expect(weak.stderr).toContain('too common');
    const nowhere = await cliWithInput(
      'a strong opening passphrase\n',
      'user:create',
      '--email',
      'c@example.org',
      '--role',
      'coordinator',
    );
    expect(nowhere.code).toBe(1);
    expect(nowhere.stderr).toContain('need --countries');
  });
});
