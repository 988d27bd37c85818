import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../../logger.js';
import { AccountError } from '../../services/accounts.js';
import { ForbiddenError } from '../../services/coordination.js';
import { BadInputError, NotFoundError, NotOpenError } from '../../services/errors.js';
import { resolveText } from '../../domain/questionnaire/text.js';
import { isLanguageCode, type LanguageCode } from '../../domain/languages.js';
import { HttpError } from '../errors.js';
import { logUnreachable, unavailable, unreachableDatabase } from '../unavailable.js';

interface BodyParserError {
  type?: string;
  status?: number;
}

/** Problems the citizen can do something about, by status: the key of their page text. */
function classify(error: unknown): { status: number; problem: string } {
  if (error instanceof HttpError) return { status: error.status, problem: error.problem };
  if (error instanceof BadInputError || error instanceof AccountError)
    return { status: 400, problem: 'badRequest' };
  if (error instanceof ForbiddenError) return { status: 403, problem: 'forbidden' };
  const parserError = error as BodyParserError;
  if (parserError?.type === 'entity.too.large') return { status: 413, problem: 'tooLarge' };
  if (parserError?.type === 'parameters.too.many') return { status: 413, problem: 'tooLarge' };
  if (
    typeof parserError?.status === 'number' &&
    parserError.status >= 400 &&
    parserError.status < 500
  ) {
    return { status: parserError.status, problem: 'badRequest' };
  }
  return { status: 500, problem: 'server' };
}

/**
 * A page read (GET) can simply be asked for again: its own address, when it is one of ours
 * ("//host" would leave the site).
 */
function retryHref(req: Request): string | undefined {
  const url = req.originalUrl;
  return req.method === 'GET' && url.startsWith('/') && !url.startsWith('//') ? url : undefined;
}

export function notFound(_req: Request, res: Response) {
  res.status(404).render('errors/not-found');
}

/** The one error path: log with the request id, render a localised page, never a stack trace. */
export function errorHandler(logger: Logger) {
  return (error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    if (error instanceof NotFoundError) return notFound(req, res);
    if (error instanceof NotOpenError) {
      const lang = res.locals.lang as LanguageCode;
      const fallback = isLanguageCode(error.defaultLanguage) ? error.defaultLanguage : lang;
      const title = resolveText(error.title, lang, fallback);
      return res.status(410).render('errors/closed', {
        title: title.text,
        titleLang: title.lang,
        state: error.state,
        resultsOf: error.links.resultsOf,
      });
    }
    const reason = unreachableDatabase(error);
    if (reason !== undefined) {
      logUnreachable(logger, res, reason);
      return unavailable(res).render('errors/unavailable', { retry: retryHref(req) });
    }
    const { status, problem } = classify(error);
    if (status >= 500)
      logger.error({ requestId: res.locals.requestId, err: error }, 'request failed');
    else logger.warn({ requestId: res.locals.requestId, status, problem }, 'request refused');
    res.status(status).render('errors/problem', { problem });
  };
}
