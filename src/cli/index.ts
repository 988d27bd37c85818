import { randomInt } from 'node:crypto';
import { createWriteStream, writeFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError, loadConfig } from '../config.js';
import { createDb, migrateLatest, type Db } from '../db/knex.js';
import { openDatabase } from '../db/open.js';
import { questionnaireRepository, type QuestionnaireStatus } from '../db/questionnaires.js';
import { draftRepository } from '../db/drafts.js';
import { accessCodeRepository } from '../db/access-codes.js';
import { accountRepository } from '../db/accounts.js';
import { auditRepository } from '../db/audit.js';
import { COUNTRIES, isCountry } from '../domain/countries.js';
import { PATHS } from '../paths.js';
import { AccountError, accountService } from '../services/accounts.js';
import { createTranslations } from '../web/i18n.js';
import { readPassword } from './password-input.js';
import { questionnaireSchema } from '../domain/questionnaire/schema.js';
import { questionnaireService } from '../services/questionnaires.js';
import { responseRepository } from '../db/responses.js';
import { simulationService, type SimulationResult } from '../services/simulation.js';
import { aggregateRepository } from '../db/aggregates.js';
import { BadInputError, NotFoundError } from '../services/errors.js';
import { EXPORT_FORMATS } from '../services/export-writers.js';
import { resultsService } from '../services/results.js';
import { resultsExportService } from '../services/results-export.js';

const USAGE = `Usage: npm run cli -- <command> [options]

Commands:
  db:migrate                          apply pending database migrations
  db:rollback                         undo the last batch of migrations
  questionnaire:import <file.json>    validate a definition and publish it (a new version if the slug exists)
      [--status open|draft|closed]    status after import (default: open)
  questionnaire:export <slug>         print the published definition as JSON
      [--out <file>]                  write it to a file instead
  questionnaire:status <slug> <open|closed|draft|archived>
                                      change whether a questionnaire accepts answers
  user:create --email <e-mail> --role admin|coordinator|analyst [--countries PL,DE]
                                      create an account; the password is read from standard
                                      input (typed without echo, or piped: echo pw | npm run cli ...)
  drafts:purge                        delete expired drafts now
  access-codes:rewrite --slug <slug>  write all used access codes of a questionnaire again in one
                                      transaction, so none can be tied to its response by the
                                      transaction id (done by itself when a questionnaire closes)
  retention:apply                     delete now the row-level answers of questionnaires closed
                                      longer than their retention period (the aggregates stay;
                                      the running app also does it every minute)
  responses:simulate <slug> --count <n> [--seed <s>]
                                      store n simulated responses (1 to 5,000,000) to the published
                                      version, answered by the web form's rules; the same seed
                                      gives the same responses (default: a random seed, printed).
                                      For tests and benchmarks only: they cannot be told apart
                                      from citizens' answers, so it refuses to run in production
  results:export <slug> --format csv|xlsx|json [--by <dimension>] [--out <file>]
                                      write the protected results tables (the numbers of the
                                      results page; --by $language or a dimension question's key)
                                      to standard output or a file; xlsx needs --out unless
                                      standard output is not a terminal. Recorded in the audit log
  schema:json [--out <file>]          write the JSON Schema of the definition format
                                      (default: docs/questionnaire.schema.json)
`;

const STATUS = z.enum(['draft', 'open', 'closed', 'archived']);

/** The JSON Schema of the definition format, for other tools that produce definitions. */
export function definitionJsonSchema(): unknown {
  return {
    ...z.toJSONSchema(questionnaireSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'Consulta questionnaire definition',
  };
}

async function withDb<T>(run: (db: Db) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const database = await openDatabase(config);
  const db = createDb(database.url, 2);
  try {
    await migrateLatest(db);
    return await run(db);
  } finally {
    await db.destroy();
    await database.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      status: { type: 'string' },
      out: { type: 'string' },
      email: { type: 'string' },
      role: { type: 'string' },
      countries: { type: 'string' },
      slug: { type: 'string' },
      count: { type: 'string' },
      seed: { type: 'string' },
      format: { type: 'string' },
      by: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...args] = positionals;
  if (!command || values.help) {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  switch (command) {
    case 'db:migrate':
      return withDb(async (db) => {
        console.log('Database is up to date.');
        void db;
        return 0;
      });
    case 'db:rollback':
      return withDb(async (db) => {
        const [, undone] = (await db.migrate.rollback()) as [number, string[]];
        console.log(undone.length ? `Rolled back: ${undone.join(', ')}` : 'Nothing to roll back.');
        return 0;
      });
    case 'questionnaire:import': {
      const file = args[0];
      const status = STATUS.safeParse(values.status ?? 'open');
      if (!file || !status.success)
        return usageError('questionnaire:import needs a file and a valid --status');
      return withDb(async (db) => {
        const result = await questionnaireService({
          questionnaires: questionnaireRepository(db),
        }).importFile(file, status.data as QuestionnaireStatus);
        if (!result.ok) {
          console.error(`${file} is not a valid questionnaire:`);
          for (const error of result.errors) console.error(`  ${error.path}: ${error.message}`);
          return 2;
        }
        const q = result.questionnaire;
        console.log(`Imported "${q.slug}" as version ${q.version} (${q.status}).`);
        return 0;
      });
    }
    case 'questionnaire:export': {
      const slug = args[0];
      if (!slug) return usageError('questionnaire:export needs a slug');
      return withDb(async (db) => {
        const definition = await questionnaireService({
          questionnaires: questionnaireRepository(db),
        }).export(slug);
        if (!definition) {
          console.error(`No questionnaire "${slug}".`);
          return 2;
        }
        const json = `${JSON.stringify(definition, null, 2)}\n`;
        if (values.out) writeFileSync(values.out, json);
        else process.stdout.write(json);
        return 0;
      });
    }
    case 'questionnaire:status': {
      const [slug, wanted] = args;
      const status = STATUS.safeParse(wanted);
      if (!slug || !status.success)
        return usageError('questionnaire:status needs a slug and open|closed|draft|archived');
      return withDb(async (db) => {
        const changed = await questionnaireRepository(db).setStatus(slug, status.data);
        // No more answers: all used access codes get one transaction id (docs/privacy.md).
        if (changed && status.data !== 'open') await accessCodeRepository(db).rewriteNotOpen();
        console.log(changed ? `"${slug}" is now ${status.data}.` : `No questionnaire "${slug}".`);
        return changed ? 0 : 2;
      });
    }
    case 'user:create': {
      const role = z.enum(['admin', 'coordinator', 'analyst']).safeParse(values.role);
      const countries = (values.countries ?? '')
        .split(',')
        .map((c) => c.trim().toUpperCase())
        .filter(Boolean);
      if (!values.email || !role.success)
        return usageError('user:create needs --email and --role admin|coordinator|analyst');
      if (!countries.every(isCountry))
        return usageError(`--countries must be codes among ${COUNTRIES.join(', ')}`);
      if (role.data !== 'admin' && countries.length === 0)
        return usageError('coordinators and analysts need --countries');
      const password = await readPassword('Password (at least 12 characters): ');
      return withDb(async (db) => {
        const service = accountService({
          accounts: accountRepository(db),
          audit: auditRepository(db),
        });
        try {
          const account = await service.createWithPassword({
            email: values.email!,
            role: role.data,
            countries,
            password,
          });
          console.log(`Created ${account.role} ${account.email}. Sign in at /admin/sign-in`);
          return 0;
        } catch (error) {
          if (!(error instanceof AccountError)) throw error;
          console.error(createTranslations(PATHS.locales).forLanguage('en')(error.messageKey));
          return 2;
        }
      });
    }
    case 'drafts:purge':
      return withDb(async (db) => {
        console.log(`Deleted ${await draftRepository(db).deleteExpired()} expired drafts.`);
        return 0;
      });
    case 'access-codes:rewrite': {
      const slug = values.slug;
      if (!slug) return usageError('access-codes:rewrite needs --slug');
      return withDb(async (db) => {
        const found = (await db('questionnaires').where('slug', slug).first('id')) as
          { id: string } | undefined;
        if (!found) {
          console.error(`No questionnaire "${slug}".`);
          return 2;
        }
        const rewritten = await accessCodeRepository(db).rewriteAllUsed(found.id);
        console.log(`Rewrote ${rewritten} used access codes of "${slug}" in one transaction.`);
        return 0;
      });
    }
    case 'retention:apply':
      return withDb(async (db) => {
        const deleted = await resultsService({
          questionnaires: questionnaireRepository(db),
          aggregates: aggregateRepository(db),
          responses: responseRepository(db),
        }).applyRetention();
        console.log(`Deleted the row-level answers of ${deleted} responses.`);
        return 0;
      });
    case 'responses:simulate':
      return simulate(args[0], values.count, values.seed);
    case 'results:export':
      return exportResults(args[0], values.format, values.by, values.out);
    case 'schema:json': {
      const out = values.out ?? 'docs/questionnaire.schema.json';
      writeFileSync(out, `${JSON.stringify(definitionJsonSchema(), null, 2)}\n`);
      console.log(`Wrote ${out}`);
      return 0;
    }
    default:
      return usageError(`Unknown command "${command}".`);
  }
}

const MAX_SIMULATED = 5_000_000;

const SIMULATION_REFUSALS: Record<Exclude<SimulationResult['kind'], 'simulated'>, string> = {
  unknown: 'No questionnaire "%s".',
  unpublished: '"%s" has no published version to answer.',
  'seed-used': 'Responses with this seed are already in "%s"; choose another --seed.',
};

/** A whole number written in digits, at most `max`; undefined otherwise. */
function wholeNumber(text: string, max: number): number | undefined {
  return /^\d{1,10}$/.test(text) && Number(text) <= max ? Number(text) : undefined;
}

async function simulate(
  slug: string | undefined,
  countText: string | undefined,
  seedText: string | undefined,
): Promise<number> {
  if (!slug || countText === undefined)
    return usageError('responses:simulate needs a slug and --count');
  const count = wholeNumber(countText, MAX_SIMULATED);
  const seed = seedText === undefined ? randomInt(2 ** 32) : wholeNumber(seedText, 2 ** 32 - 1);
  if (!count || seed === undefined) {
    console.error(
      `--count must be a whole number from 1 to ${MAX_SIMULATED} and --seed one from 0 to ${2 ** 32 - 1}.`,
    );
    return 2;
  }
  if (loadConfig().NODE_ENV === 'production') {
    console.error(
      'responses:simulate does not run in production: simulated answers would mix with real ones.',
    );
    return 2;
  }
  return withDb(async (db) => {
    const started = performance.now();
    let reported = 0;
    const result = await simulationService({
      questionnaires: questionnaireRepository(db),
      responses: responseRepository(db),
    }).simulate(slug, {
      count,
      seed,
      now: new Date(),
      onProgress(stored) {
        const tenths = Math.floor((stored * 10) / count);
        if (tenths === reported) return;
        reported = tenths;
        console.error(`${tenths * 10} % (${stored} of ${count})`);
      },
    });
    if (result.kind !== 'simulated') {
      console.error(SIMULATION_REFUSALS[result.kind].replace('%s', slug));
      return 2;
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`Simulated ${count} responses for ${slug} in ${seconds} s (seed ${seed})`);
    return 0;
  });
}

/**
 * The protected results, as the results page shows them, to standard output or a file. The
 * command line has no account: it reads like an administrator, and says so in the audit log.
 */
async function exportResults(
  slug: string | undefined,
  formatText: string | undefined,
  by: string | undefined,
  out: string | undefined,
): Promise<number> {
  if (!slug || formatText === undefined)
    return usageError('results:export needs a slug and --format csv|xlsx|json');
  const format = z.enum(EXPORT_FORMATS).safeParse(formatText);
  if (!format.success) {
    console.error(`--format must be one of ${EXPORT_FORMATS.join(', ')}.`);
    return 2;
  }
  if (format.data === 'xlsx' && !out && process.stdout.isTTY) {
    console.error('An XLSX workbook is binary: give --out <file>, or redirect standard output.');
    return 2;
  }
  return withDb(async (db) => {
    const results = resultsService({
      questionnaires: questionnaireRepository(db),
      aggregates: aggregateRepository(db),
      responses: responseRepository(db),
    });
    const exports = resultsExportService({ results, audit: auditRepository(db) });
    try {
      const file = await exports.results('command line', slug, format.data, by ?? '');
      if (out) await pipeline(file.body, createWriteStream(out));
      else await pipeline(file.body, process.stdout, { end: false });
    } catch (error) {
      if (error instanceof NotFoundError) {
        console.error(`No published questionnaire "${slug}".`);
        return 2;
      }
      if (error instanceof BadInputError) {
        console.error(`"${slug}" cannot be broken down by "${by}".`);
        return 2;
      }
      throw error;
    }
    if (out) console.error(`Wrote ${out}`);
    return 0;
  });
}

function usageError(message: string): number {
  console.error(`${message}\n\n${USAGE}`);
  return 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  },
);
