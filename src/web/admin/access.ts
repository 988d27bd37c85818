import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Account } from '../../db/accounts.js';
import { mayReadTexts } from '../../services/text-answers.js';
import { HttpError } from '../errors.js';

/**
 * Who may use a coordinator route. Deny by default: every route declares one of these, and the
 * access-control test enumerates the router to check each against every kind of account.
 */
export type Access = 'public' | 'signed-in' | 'editor' | 'admin' | 'row-level';

export interface AdminRoute {
  method: 'get' | 'post';
  path: string;
  access: Access;
  handler: RequestHandler;
}

export function accountOf(res: Response): Account {
  return res.locals.account as Account;
}

export function guard(access: Access): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    if (access === 'public') return next();
    const account = res.locals.account as Account | undefined;
    if (!account) {
      const back = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      return res.redirect(303, `/admin/sign-in${back}`);
    }
    if (access === 'admin' && account.role !== 'admin')
      return next(new HttpError(403, 'forbidden'));
    if (access === 'editor' && account.role === 'analyst')
      return next(new HttpError(403, 'forbidden'));
    // Answers of single respondents (free text): coordinators only; the service says why.
    if (access === 'row-level' && !mayReadTexts(account))
      return next(new HttpError(403, 'forbidden'));
    next();
  };
}
