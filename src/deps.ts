import type { Config } from './config.js';
import { accessCodeRepository } from './db/access-codes.js';
import { accountRepository } from './db/accounts.js';
import { aggregateRepository } from './db/aggregates.js';
import { auditRepository } from './db/audit.js';
import { draftRepository } from './db/drafts.js';
import { createDb, type Db } from './db/knex.js';
import { questionnaireRepository } from './db/questionnaires.js';
import { responseRepository } from './db/responses.js';
import { textAnswerRepository } from './db/text-answers.js';
import type { Logger } from './logger.js';
import { accessCodeService } from './services/access-codes.js';
import { accountService } from './services/accounts.js';
import { answeringService } from './services/answering.js';
import { coordinationService } from './services/coordination.js';
import { questionnaireService } from './services/questionnaires.js';
import { resultsService } from './services/results.js';
import { resultsExportService } from './services/results-export.js';
import { textAnswerService } from './services/text-answers.js';
import { xlsformImportService } from './services/xlsform-import.js';

export interface AppSettings {
  /** Signs CSRF tokens and keys rate-limit and access-code hashes. */
  secret: string;
  /** Set cookies with Secure (when served over https). */
  secureCookies: boolean;
  trustProxy: number;
  production: boolean;
  /** Compile each template once (off in development, so edits show at once). */
  viewCache: boolean;
  rateLimits: { postsPerMinute: number; submitsPer10Minutes: number };
}

/** Builds everything the app needs from one database URL; the caller owns closing `db`. */
export function buildDeps(options: {
  databaseUrl: string;
  config: Config;
  secret: string;
  logger: Logger;
}) {
  const { config } = options;
  const db: Db = createDb(options.databaseUrl, config.DATABASE_POOL_MAX);
  return depsFromDb(db, {
    logger: options.logger,
    draftTtlHours: config.DRAFT_TTL_HOURS,
    settings: {
      secret: options.secret,
      secureCookies: config.BASE_URL?.startsWith('https://') ?? false,
      trustProxy: config.TRUST_PROXY,
      production: config.NODE_ENV === 'production',
      viewCache: config.NODE_ENV !== 'development',
      rateLimits: {
        postsPerMinute: config.RATE_LIMIT_POSTS_PER_MINUTE,
        submitsPer10Minutes: config.RATE_LIMIT_SUBMITS_PER_10_MINUTES,
      },
    },
  });
}

export function depsFromDb(
  db: Db,
  options: { logger: Logger; draftTtlHours: number; settings: AppSettings },
) {
  const questionnaires = questionnaireRepository(db);
  const drafts = draftRepository(db);
  const responses = responseRepository(db);
  const aggregates = aggregateRepository(db);
  const texts = textAnswerRepository(db);
  const accounts = accountRepository(db);
  const audit = auditRepository(db);
  const coordination = coordinationService({ questionnaires, audit });
  const accessCodes = accessCodeRepository(db);
  const results = resultsService({ questionnaires, aggregates, responses });
  const secret = options.settings.secret;
  return {
    db,
    logger: options.logger,
    settings: options.settings,
    repositories: {
      questionnaires,
      drafts,
      responses,
      accounts,
      audit,
      accessCodes,
      aggregates,
      texts,
    },
    answering: answeringService({
      questionnaires,
      drafts,
      responses,
      accessCodes,
      secret,
      draftTtlHours: options.draftTtlHours,
      logger: options.logger,
    }),
    questionnaireAdmin: questionnaireService({ questionnaires }),
    accounts: accountService({ accounts, audit }),
    coordination,
    xlsformImport: xlsformImportService({ coordination }),
    results,
    resultsExport: resultsExportService({ results, audit }),
    textAnswers: textAnswerService({ questionnaires, aggregates, texts, audit }),
    accessCodes: accessCodeService({ questionnaires, accessCodes, audit, secret }),
  };
}

export type Deps = ReturnType<typeof depsFromDb>;
