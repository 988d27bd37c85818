import type { Request, Response } from 'express';
import type { Deps } from '../../deps.js';
import { AccountError } from '../../services/accounts.js';
import { accountOf, type AdminRoute } from './access.js';
import { parseForm, passwordForm, safeNext, setPasswordForm, signInForm } from './forms.js';
import { endSession, startSession } from './session.js';

type ErrorItem = { field: string; text: string };

const errorList = (res: Response, key: string, field: string): ErrorItem[] => [
  { field, text: res.locals.t(key) },
];

/** Signing in and out, and passwords. */
export function authRoutes(deps: Deps): AdminRoute[] {
  const renderSignIn = (
    res: Response,
    status: number,
    errors: ErrorItem[],
    email = '',
    next = '',
    signedOut = false,
  ) => res.status(status).render('pages/admin/sign-in', { errors, email, next, signedOut });

  const renderPassword = (res: Response, errors: ErrorItem[] = [], done = false) =>
    res.status(errors.length ? 400 : 200).render('pages/admin/password', { errors, done });

  const renderSetPassword = (res: Response, token: string, errors: ErrorItem[] = []) =>
    res.status(errors.length ? 400 : 200).render('pages/admin/set-password', { errors, token });

  return [
    {
      method: 'get',
      path: '/sign-in',
      access: 'public',
      handler: (req: Request, res: Response) =>
        renderSignIn(
          res,
          200,
          [],
          '',
          String(req.query.next ?? ''),
          req.query['signed-out'] === '1',
        ),
    },
    {
      method: 'post',
      path: '/sign-in',
      access: 'public',
      handler: async (req, res) => {
        const form = parseForm(signInForm, req.body);
        const account = await deps.accounts.signIn(form.email, form.password);
        if (!account)
          return renderSignIn(
            res,
            400,
            errorList(res, 'admin.errors.signInFailed', 'email'),
            form.email,
            form.next,
          );
        await startSession(req, account.id);
        res.redirect(303, safeNext(form.next));
      },
    },
    {
      method: 'post',
      path: '/sign-out',
      access: 'signed-in',
      handler: async (req, res) => {
        await deps.accounts.signedOut(accountOf(res));
        await endSession(req);
        res.redirect(303, '/admin/sign-in?signed-out=1');
      },
    },
    {
      method: 'get',
      path: '/password',
      access: 'signed-in',
      handler: (_req, res) => renderPassword(res),
    },
    {
      method: 'post',
      path: '/password',
      access: 'signed-in',
      handler: async (req, res) => {
        const form = parseForm(passwordForm, req.body);
        if (form.password !== form.confirm)
          return renderPassword(res, errorList(res, 'admin.errors.passwordMismatch', 'confirm'));
        try {
          await deps.accounts.changePassword(accountOf(res), form.current, form.password);
        } catch (error) {
          if (error instanceof AccountError)
            return renderPassword(res, errorList(res, error.messageKey, error.field));
          throw error;
        }
        renderPassword(res, [], true);
      },
    },
    {
      method: 'get',
      path: '/set-password/:token',
      access: 'public',
      handler: async (req, res) => {
        const token = String(req.params.token);
        if (!(await deps.accounts.tokenValid(token)))
          return res.status(404).render('pages/admin/set-password-invalid');
        renderSetPassword(res, token);
      },
    },
    {
      method: 'post',
      path: '/set-password/:token',
      access: 'public',
      handler: async (req, res) => {
        const token = String(req.params.token);
        const form = parseForm(setPasswordForm, req.body);
        if (form.password !== form.confirm)
          return renderSetPassword(
            res,
            token,
            errorList(res, 'admin.errors.passwordMismatch', 'confirm'),
          );
        try {
          const account = await deps.accounts.setPasswordWithToken(token, form.password);
          if (!account) return res.status(404).render('pages/admin/set-password-invalid');
        } catch (error) {
          if (error instanceof AccountError)
            return renderSetPassword(res, token, errorList(res, error.messageKey, error.field));
          throw error;
        }
        res.redirect(303, '/admin/sign-in');
      },
    },
  ];
}
