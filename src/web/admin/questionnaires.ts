import type { Response } from 'express';
import { countryName } from '../../domain/countries.js';
import { nativeName, type LanguageCode } from '../../domain/languages.js';
import { resolveText } from '../../domain/questionnaire/text.js';
import type { Deps } from '../../deps.js';
import { accountOf, type AdminRoute } from './access.js';
import { emptyForm, parseForm, statusForm } from './forms.js';

/** The coordinator's list of questionnaires, a questionnaire's page, its status and its export. */
export function questionnaireRoutes(deps: Deps): AdminRoute[] {
  const lang = (res: Response) => res.locals.lang as LanguageCode;
  const title = (
    res: Response,
    doc: { title: Record<string, string>; defaultLanguage: LanguageCode },
  ) => resolveText(doc.title, lang(res), doc.defaultLanguage);

  return [
    {
      method: 'get',
      path: '/',
      access: 'signed-in',
      handler: (_req, res) => res.redirect(303, '/admin/questionnaires'),
    },
    {
      method: 'get',
      path: '/questionnaires',
      access: 'signed-in',
      handler: async (_req, res) => {
        const list = await deps.coordination.list(accountOf(res));
        res.render('pages/admin/questionnaires', {
          questionnaires: list.map((q) => ({
            slug: q.slug,
            title: title(res, q.definition),
            country: countryName(q.country, lang(res)),
            status: q.status,
            responses: q.responses,
            version: q.version,
          })),
        });
      },
    },
    {
      method: 'get',
      path: '/questionnaires/:slug',
      access: 'signed-in',
      handler: async (req, res) => {
        const q = await deps.coordination.get(accountOf(res), String(req.params.slug));
        res.render('pages/admin/questionnaire', {
          q,
          title: title(res, q.definition),
          country: countryName(q.definition.country, lang(res)),
          languages: q.definition.languages.map((code) => ({ code, name: nativeName(code) })),
          canEdit: accountOf(res).role !== 'analyst',
          changed: req.query.changed === '1',
        });
      },
    },
    {
      method: 'post',
      path: '/questionnaires/:slug/status',
      access: 'editor',
      handler: async (req, res) => {
        const form = parseForm(statusForm, req.body);
        const slug = String(req.params.slug);
        await deps.coordination.setStatus(accountOf(res), slug, form.status);
        res.redirect(303, `/admin/questionnaires/${encodeURIComponent(slug)}?changed=1`);
      },
    },
    {
      method: 'post',
      path: '/questionnaires/:slug/export',
      access: 'signed-in',
      handler: async (req, res) => {
        parseForm(emptyForm, req.body);
        const slug = String(req.params.slug);
        const definition = await deps.coordination.exportDefinition(accountOf(res), slug);
        res
          .attachment(`${slug}.json`)
          .type('application/json')
          .send(`${JSON.stringify(definition, null, 2)}\n`);
      },
    },
  ];
}
