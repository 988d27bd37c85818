import { Router, type Response } from 'express';
import { firstIncompleteSection } from '../../domain/questionnaire/journey.js';
import type { Questionnaire } from '../../domain/questionnaire/schema.js';
import type { Deps } from '../../deps.js';
import { citizenHelpers } from './citizen.js';
import { parseCodeForm } from './forms.js';
import { contentContext } from './view-model.js';

/** The pages around codes: thank-you (receipt), saved for later (resume code), and resume. */
export function codesRouter(deps: Deps): Router {
  const router = Router({ mergeParams: true });
  const { answering, settings } = deps;
  const { lang, slugOf, base, setDraftCookie, takeFlash } = citizenHelpers(settings.secureCookies);

  router.get('/q/:slug/done', async (req, res) => {
    const slug = slugOf(req);
    const questionnaire = await answering.describe(slug);
    const doc = questionnaire.definition;
    res.render('pages/public/done', {
      doc,
      slug,
      // Where the results are or will be public: 'live' results exist already, 'closed' ones later.
      results: questionnaire.resultsPublic === 'off' ? undefined : questionnaire.resultsPublic,
      content: contentContext(doc, lang(res), res.locals.t),
      receipt: takeFlash(req, res, 'receipt', slug),
    });
  });

  router.get('/q/:slug/saved', async (req, res) => {
    const slug = slugOf(req);
    const questionnaire = await answering.startPage(slug);
    const doc = questionnaire.definition;
    const code = takeFlash(req, res, 'resume', slug);
    if (!code) return res.redirect(303, `${base(res, slug)}/resume`);
    res.render('pages/public/saved', {
      doc,
      slug,
      content: contentContext(doc, lang(res), res.locals.t),
      code,
    });
  });

  const renderResume = (
    res: Response,
    slug: string,
    doc: Questionnaire,
    error?: string,
    typed = '',
  ) =>
    res.status(error ? 400 : 200).render('pages/public/resume', {
      doc,
      slug,
      content: contentContext(doc, lang(res), res.locals.t),
      error: error && res.locals.t(error),
      typed,
    });

  router.get('/q/:slug/resume', async (req, res) => {
    const questionnaire = await answering.startPage(slugOf(req));
    renderResume(res, questionnaire.slug, questionnaire.definition);
  });

  router.post('/q/:slug/resume', async (req, res) => {
    const questionnaire = await answering.startPage(slugOf(req));
    const slug = questionnaire.slug;
    const parsed = parseCodeForm(req.body);
    if ('error' in parsed)
      return renderResume(res, slug, questionnaire.definition, parsed.error, parsed.typed);
    const token = await answering.resume(slug, parsed.code);
    if (!token)
      return renderResume(
        res,
        slug,
        questionnaire.definition,
        'errors.resume_not_found',
        parsed.code,
      );
    setDraftCookie(res, slug, token);
    const journey = await answering.journey(slug, token);
    const doc = journey.questionnaire.definition;
    const incomplete = firstIncompleteSection(doc, journey.draft?.answers ?? {});
    res.redirect(
      303,
      incomplete === undefined
        ? `${base(res, slug)}/check`
        : `${base(res, slug)}/s/${incomplete + 1}`,
    );
  });

  return router;
}
