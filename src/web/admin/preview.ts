import type { Request, Response } from 'express';
import { isLanguageCode, nativeName, directionOf } from '../../domain/languages.js';
import type { Questionnaire, Section } from '../../domain/questionnaire/schema.js';
import type { Deps } from '../../deps.js';
import { NotFoundError } from '../../services/errors.js';
import type { Translations } from '../i18n.js';
import { useLanguage } from '../middleware/locale.js';
import { questionViews } from '../public/question-view.js';
import { contentContext } from '../public/view-model.js';
import { accountOf, type AdminRoute } from './access.js';

/**
 * The newest version (the draft, if any) exactly as a citizen sees it, in any of its languages,
 * section by section, with every question shown and nothing saved.
 */
export function previewRoutes(deps: Deps): AdminRoute[] {
  return [
    {
      method: 'get',
      path: '/questionnaires/:slug/preview/:lang{/:n}',
      access: 'signed-in',
      handler: async (req: Request, res: Response) => {
        const q = await deps.coordination.get(accountOf(res), String(req.params.slug));
        const doc: Questionnaire = q.latest.definition;
        const lang = String(req.params.lang);
        if (!isLanguageCode(lang) || !doc.languages.includes(lang))
          throw new NotFoundError('language');
        const n = req.params.n === undefined ? 0 : Number(req.params.n);
        if (!Number.isInteger(n) || n < 0 || n > doc.sections.length)
          throw new NotFoundError('section');
        useLanguage(res, req.app.locals.translations as Translations, lang);
        const base = `/admin/questionnaires/${q.slug}/preview`;
        const content = contentContext(doc, lang, res.locals.t);
        const preview = {
          version: q.latest.version,
          back: `/admin/questionnaires/${q.slug}`,
          here: `${base}/${lang}${n ? `/${n}` : ''}`,
          previous: n > 0 ? `${base}/${lang}${n > 1 ? `/${n - 1}` : ''}` : undefined,
          next: n < doc.sections.length ? `${base}/${lang}/${n + 1}` : undefined,
          languages: doc.languages.map((code) => ({
            code,
            name: nativeName(code),
            dir: directionOf(code),
            href: `${base}/${code}${n ? `/${n}` : ''}`,
          })),
        };
        if (n === 0) {
          return res.render('pages/public/start', {
            doc,
            slug: q.slug,
            content,
            sectionCount: doc.sections.length,
            preview,
          });
        }
        const section = doc.sections[n - 1] as Section;
        res.render('pages/public/section', {
          doc,
          content,
          slug: q.slug,
          section,
          number: n,
          progress: { current: n, total: doc.sections.length },
          isFirst: n === 1,
          questions: questionViews(section.questions, {}, [], content),
          errors: [],
          preview,
        });
      },
    },
  ];
}
