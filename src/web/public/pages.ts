import { Router, type Response } from 'express';
import { nativeName, type LanguageCode } from '../../domain/languages.js';
import { resolveText } from '../../domain/questionnaire/text.js';
import type { Deps } from '../../deps.js';
import { parseCodeForm } from './forms.js';

/** Pages under /:lang that belong to no questionnaire: home, withdrawal, accessibility. */
export function pagesRouter(deps: Deps): Router {
  const router = Router({ mergeParams: true });
  const lang = (res: Response) => res.locals.lang as LanguageCode;

  router.get('/', async (_req, res) => {
    const [open, withResults] = await Promise.all([
      deps.answering.listOpen(),
      deps.answering.listPublicResults(),
    ]);
    const item = (q: (typeof open)[number]) => {
      const title = resolveText(q.definition.title, lang(res), q.definition.defaultLanguage);
      return {
        slug: q.slug,
        title: title.text,
        titleLang: title.lang === lang(res) ? undefined : title.lang,
      };
    };
    res.render('pages/public/home', {
      results: withResults.map(item),
      consultations: open.map((q) => ({
        ...item(q),
        languages: q.definition.languages.map(nativeName),
      })),
    });
  });

  router.get('/accessibility', (_req, res) => res.render('pages/public/accessibility'));

  const renderWithdraw = (res: Response, error?: string, typed = '') =>
    res
      .status(error ? 400 : 200)
      .render('pages/public/withdraw', { error: error && res.locals.t(error), typed });

  router.get('/withdraw', (_req, res) => renderWithdraw(res));

  router.post('/withdraw', async (req, res) => {
    const parsed = parseCodeForm(req.body);
    if ('error' in parsed) return renderWithdraw(res, parsed.error, parsed.typed);
    if (!(await deps.answering.withdraw(parsed.code)))
      return renderWithdraw(res, 'errors.receipt_not_found', parsed.code);
    res.redirect(303, `/${lang(res)}/withdraw/done`);
  });

  router.get('/withdraw/done', (_req, res) => res.render('pages/public/withdrawn'));

  return router;
}
