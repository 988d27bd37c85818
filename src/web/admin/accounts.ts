import type { Request, Response } from 'express';
import { COUNTRIES, countryName, isCountry } from '../../domain/countries.js';
import type { LanguageCode } from '../../domain/languages.js';
import type { Role } from '../../db/accounts.js';
import type { Deps } from '../../deps.js';
import { AccountError } from '../../services/accounts.js';
import { NotFoundError } from '../../services/errors.js';
import { accountOf, type AdminRoute } from './access.js';
import { accountForm, emptyForm, parseForm } from './forms.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Administrators manage accounts: list, invite, disable and enable. */
export function accountRoutes(deps: Deps): AdminRoute[] {
  const lang = (res: Response) => res.locals.lang as LanguageCode;
  const countryChoices = (res: Response, chosen: string[]) =>
    COUNTRIES.map((code) => ({
      code,
      name: countryName(code, lang(res)),
      checked: chosen.includes(code),
    })).sort((a, b) => a.name.localeCompare(b.name, lang(res)));

  const renderNew = (
    res: Response,
    values: { email: string; role?: Role; countries: string[] },
    errors: { field: string; text: string }[] = [],
  ) =>
    res.status(errors.length ? 400 : 200).render('pages/admin/account-new', {
      values,
      errors,
      countries: countryChoices(res, values.countries),
    });

  async function setDisabled(req: Request, res: Response, disabled: boolean) {
    parseForm(emptyForm, req.body);
    try {
      if (!(await deps.accounts.setDisabled(accountOf(res), String(req.params.id), disabled)))
        throw new NotFoundError('account');
    } catch (error) {
      if (error instanceof AccountError) return res.redirect(303, '/admin/accounts?refused=1');
      throw error;
    }
    res.redirect(303, '/admin/accounts');
  }

  return [
    {
      method: 'get',
      path: '/accounts',
      access: 'admin',
      handler: async (req, res) => {
        const accounts = await deps.accounts.list();
        res.render('pages/admin/accounts', {
          accounts: accounts.map((a) => ({
            ...a,
            countryNames: a.countries.map((c) => countryName(c, lang(res))),
          })),
          refused: req.query.refused === '1',
        });
      },
    },
    {
      method: 'get',
      path: '/accounts/new',
      access: 'admin',
      handler: (_req, res) => renderNew(res, { email: '', countries: [] }),
    },
    {
      method: 'post',
      path: '/accounts',
      access: 'admin',
      handler: async (req, res) => {
        const form = parseForm(accountForm, req.body);
        const countries =
          form.countries === undefined
            ? []
            : Array.isArray(form.countries)
              ? form.countries
              : [form.countries];
        if (!countries.every(isCountry))
          return renderNew(res, { email: form.email, countries: [] }, [
            { field: 'countries', text: res.locals.t('admin.errors.countriesMissing') },
          ]);
        const values = { email: form.email.trim(), role: form.role, countries };
        const errors: { field: string; text: string }[] = [];
        if (!EMAIL.test(values.email))
          errors.push({ field: 'email', text: res.locals.t('admin.errors.emailInvalid') });
        if (!values.role)
          errors.push({ field: 'role', text: res.locals.t('admin.errors.roleMissing') });
        if (values.role && values.role !== 'admin' && countries.length === 0) {
          errors.push({ field: 'countries', text: res.locals.t('admin.errors.countriesMissing') });
        }
        if (errors.length > 0 || !values.role) return renderNew(res, values, errors);
        try {
          const { account, token } = await deps.accounts.invite(accountOf(res), {
            ...values,
            role: values.role,
          });
          const origin = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
          res.status(201).render('pages/admin/account-created', {
            account,
            link: `${origin}/admin/set-password/${token}`,
          });
        } catch (error) {
          if (error instanceof AccountError)
            return renderNew(res, values, [
              { field: error.field, text: res.locals.t(error.messageKey) },
            ]);
          throw error;
        }
      },
    },
    {
      method: 'post',
      path: '/accounts/:id/disable',
      access: 'admin',
      handler: (req, res) => setDisabled(req, res, true),
    },
    {
      method: 'post',
      path: '/accounts/:id/enable',
      access: 'admin',
      handler: (req, res) => setDisabled(req, res, false),
    },
  ];
}
