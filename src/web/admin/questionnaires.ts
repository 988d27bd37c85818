import type { Response } from 'express';
import { z } from 'zod';
import { countryName } from '../../domain/countries.js';
import { protectCount } from '../../domain/disclosure.js';
import type { LanguageCode } from '../../domain/languages.js';
import type { Questionnaire } from '../../domain/questionnaire/schema.js';
import { resolveText } from '../../domain/questionnaire/text.js';
import type { SaveResult } from '../../services/coordination.js';
import type { Deps } from '../../deps.js';
import { accountOf, type AdminRoute } from './access.js';
import { emptyForm, parseForm, statusForm } from './forms.js';
import { renderImport } from './import-page.js';
import { questionnairePage } from './questionnaire-page.js';
import { readUpload } from './upload.js';

/** A time typed in a datetime-local field ("2026-12-01T09:00"), read as UTC; empty for none. */
const utcTime = z
  .union([z.literal(''), z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/)])
  .default('');
const scheduleForm = z.object({ _csrf: z.string(), opensAt: utcTime, closesAt: utcTime }).strict();
const toDate = (value: string) => (value === '' ? null : new Date(`${value}:00Z`));

const duplicateForm = z
  .object({ _csrf: z.string(), slug: z.string().max(100).default('') })
  .strict();

/** Questionnaires in the coordinator area: list, page, import, publish, duplicate, status, download. */
export function questionnaireRoutes(deps: Deps): AdminRoute[] {
  const lang = (res: Response) => res.locals.lang as LanguageCode;
  const title = (res: Response, doc: Questionnaire) =>
    resolveText(doc.title, lang(res), doc.defaultLanguage);
  const page = (slug: string, flag = '') =>
    `/admin/questionnaires/${encodeURIComponent(slug)}${flag ? `?${flag}=1` : ''}`;

  const renderPage = questionnairePage(deps);

  /** After an action on a questionnaire: its page again with the problems, or on to the result. */
  async function finish(
    res: Response,
    slug: string,
    result: SaveResult,
    headingKey: string,
    flag: string,
  ) {
    if (!result.ok) {
      return renderPage(res, slug, {
        problems: { heading: res.locals.t(headingKey), errors: result.errors },
      });
    }
    res.redirect(303, page(result.slug, flag));
  }

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
          canEdit: accountOf(res).role !== 'analyst',
          questionnaires: list.map((q) => ({
            slug: q.slug,
            title: title(res, q.latest.definition),
            country: countryName(q.country, lang(res)),
            status: q.status,
            responses: protectCount(q.responses),
            version: q.publishedVersion,
            draft: q.latest.published ? null : q.latest.version,
          })),
        });
      },
    },
    {
      method: 'get',
      path: '/questionnaires/import',
      access: 'editor',
      handler: (_req, res) => renderImport(res),
    },
    {
      method: 'post',
      path: '/questionnaires/import',
      access: 'editor',
      handler: async (req, res) => {
        const { file } = await readUpload(req, 'definition');
        let input: unknown;
        try {
          input = JSON.parse(file.toString('utf8'));
        } catch (error) {
          return renderImport(res, {
            errors: [{ path: '$', message: `not valid JSON: ${(error as Error).message}` }],
          });
        }
        const result = await deps.coordination.importDraft(accountOf(res), input);
        if (!result.ok) return renderImport(res, { errors: result.errors });
        res.redirect(303, page(result.slug, 'saved'));
      },
    },
    {
      method: 'get',
      path: '/questionnaires/:slug',
      access: 'signed-in',
      handler: async (req, res) =>
        renderPage(res, String(req.params.slug), {
          flags: {
            changed: req.query.changed === '1',
            saved: req.query.saved === '1',
            published: req.query.published === '1',
            scheduled: req.query.scheduled === '1',
            resultsSaved: req.query.resultsSaved === '1',
            retentionSaved: req.query.retentionSaved === '1',
          },
        }),
    },
    {
      method: 'post',
      path: '/questionnaires/:slug/publish',
      access: 'editor',
      handler: async (req, res) => {
        parseForm(emptyForm, req.body);
        const slug = String(req.params.slug);
        const result = await deps.coordination.publish(accountOf(res), slug);
        await finish(res, slug, result, 'admin.questionnaire.cannotPublish', 'published');
      },
    },
    {
      method: 'post',
      path: '/questionnaires/:slug/duplicate',
      access: 'editor',
      handler: async (req, res) => {
        const form = parseForm(duplicateForm, req.body);
        const slug = String(req.params.slug);
        const result = await deps.coordination.duplicate(accountOf(res), slug, form.slug.trim());
        await finish(res, slug, result, 'admin.questionnaire.cannotDuplicate', 'saved');
      },
    },
    {
      method: 'post',
      path: '/questionnaires/:slug/schedule',
      access: 'editor',
      handler: async (req, res) => {
        const form = parseForm(scheduleForm, req.body);
        const slug = String(req.params.slug);
        const opensAt = toDate(form.opensAt);
        const closesAt = toDate(form.closesAt);
        if (opensAt && closesAt && opensAt >= closesAt) {
          const message = res.locals.t('admin.schedule.orderError');
          const errors = [{ path: 'closesAt', message, translated: true }];
          return renderPage(res, slug, { problems: { heading: message, errors }, schedule: form });
        }
        await deps.coordination.schedule(accountOf(res), slug, opensAt, closesAt);
        res.redirect(303, page(slug, 'scheduled'));
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
        res.redirect(303, page(slug, 'changed'));
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
