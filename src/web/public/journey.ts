import { Router, type Request, type Response } from 'express';
import {
  sectionFields,
  sectionFormValues,
  visibleQuestions,
  visibleSections,
} from '../../domain/questionnaire/journey.js';
import type { Section } from '../../domain/questionnaire/schema.js';
import type { FieldError, FormValues } from '../../domain/question-types/types.js';
import type { Deps } from '../../deps.js';
import type { Journey } from '../../services/answering.js';
import { NotFoundError } from '../../services/errors.js';
import { citizenHelpers } from './citizen.js';
import { parseEmptyForm, parseSectionForm, parseStartForm } from './forms.js';
import { questionViews, summaryRows } from './question-view.js';
import { contentContext, errorViews } from './view-model.js';

type Draftful = Journey & { draft: NonNullable<Journey['draft']> };

/** The citizen's journey through one questionnaire, mounted under /:lang. */
export function journeyRouter(deps: Deps): Router {
  const router = Router({ mergeParams: true });
  const { answering, settings } = deps;

  const { lang, slugOf, base, draftCookie, setDraftCookie, clearDraftCookie, setFlash } =
    citizenHelpers(settings.secureCookies);

  /** The citizen's draft, or a redirect to the start page when there is none. */
  async function withDraft(req: Request, res: Response): Promise<Draftful | undefined> {
    const slug = slugOf(req);
    const journey = await answering.journey(slug, draftCookie(req, slug));
    if (journey.draft) return journey as Draftful;
    res.redirect(303, base(res, slug));
    return undefined;
  }

  function sectionIndex(req: Request, journey: Journey): number {
    const n = Number(req.params.n);
    if (!Number.isInteger(n) || n < 1 || n > journey.questionnaire.definition.sections.length) {
      throw new NotFoundError('no such section');
    }
    return n - 1;
  }

  function renderSection(
    res: Response,
    journey: Draftful,
    index: number,
    form: FormValues,
    errors: FieldError[],
  ) {
    const doc = journey.questionnaire.definition;
    const t = res.locals.t;
    const content = contentContext(doc, lang(res), t);
    const section = doc.sections[index] as Section;
    const visible = visibleSections(doc, journey.draft.answers);
    const position = visible.indexOf(index);
    const errorList = errorViews(errors, t, content);
    res.status(errors.length > 0 ? 400 : 200).render('pages/public/section', {
      doc,
      content,
      slug: journey.questionnaire.slug,
      section,
      number: index + 1,
      progress: {
        current: (position < 0 ? visible.length : position) + 1,
        total: Math.max(visible.length, 1),
      },
      isFirst: visible[0] === index,
      questions: questionViews(
        visibleQuestions(doc, section, journey.draft.answers),
        form,
        errorList,
        content,
      ),
      errors: errorList,
    });
  }

  /** The start page; an access-code questionnaire's shows the code field (with its error). */
  async function renderStart(res: Response, slug: string, error?: string, typed = '') {
    const questionnaire = await answering.startPage(slug);
    const doc = questionnaire.definition;
    res.status(error ? 400 : 200).render('pages/public/start', {
      doc,
      slug: questionnaire.slug,
      content: contentContext(doc, lang(res), res.locals.t),
      sectionCount: visibleSections(doc, {}).length,
      accessCode:
        doc.mode === 'access-code' ? { error: error && res.locals.t(error), typed } : undefined,
    });
  }

  router.get('/q/:slug', (req, res) => renderStart(res, slugOf(req)));

  router.post('/q/:slug/start', async (req, res) => {
    const slug = slugOf(req);
    const form = parseStartForm(req.body);
    if (form.robot) {
      // The honeypot was filled in: no draft, back to the start page.
      deps.logger.warn({ requestId: res.locals.requestId, slug }, 'honeypot filled');
      return res.redirect(303, base(res, slug));
    }
    const result = await answering.start(slug, draftCookie(req, slug), form.code);
    if (result.kind === 'code-refused')
      return renderStart(res, slug, `accessCode.errors.${result.problem}`, form.code?.trim());
    if (result.token) setDraftCookie(res, slug, result.token);
    res.redirect(303, `${base(res, slug)}/s/${result.section + 1}`);
  });

  router.get('/q/:slug/s/:n', async (req, res) => {
    const journey = await withDraft(req, res);
    if (!journey) return;
    const index = sectionIndex(req, journey);
    const doc = journey.questionnaire.definition;
    if (!visibleSections(doc, journey.draft.answers).includes(index)) {
      const next = visibleSections(doc, journey.draft.answers).find((i) => i > index);
      return res.redirect(
        303,
        next === undefined
          ? `${base(res, journey.questionnaire.slug)}/check`
          : `${base(res, journey.questionnaire.slug)}/s/${next + 1}`,
      );
    }
    renderSection(res, journey, index, sectionFormValues(doc, index, journey.draft.answers), []);
  });

  router.post('/q/:slug/s/:n', async (req, res) => {
    const journey = await withDraft(req, res);
    if (!journey) return;
    const index = sectionIndex(req, journey);
    const section = journey.questionnaire.definition.sections[index] as Section;
    const { form, action } = parseSectionForm(req.body, sectionFields(section));
    const result = await answering.saveSection(journey, index, form, action);
    const slug = journey.questionnaire.slug;
    if (result.kind === 'invalid') return renderSection(res, journey, index, form, result.errors);
    if (result.kind === 'saved') {
      setFlash(res, { kind: 'resume', slug, code: result.resumeCode });
      return res.redirect(303, `${base(res, slug)}/saved`);
    }
    if (result.kind === 'check') return res.redirect(303, `${base(res, slug)}/check`);
    res.redirect(
      303,
      result.index < 0 ? base(res, slug) : `${base(res, slug)}/s/${result.index + 1}`,
    );
  });

  router.get('/q/:slug/check', async (req, res) => {
    const journey = await withDraft(req, res);
    if (!journey) return;
    const doc = journey.questionnaire.definition;
    const content = contentContext(doc, lang(res), res.locals.t);
    res.render('pages/public/check', {
      doc,
      content,
      slug: journey.questionnaire.slug,
      sections: summaryRows(doc, journey.draft.answers, content),
    });
  });

  router.post('/q/:slug/submit', async (req, res) => {
    parseEmptyForm(req.body);
    const journey = await withDraft(req, res);
    if (!journey) return;
    const slug = journey.questionnaire.slug;
    const result = await answering.submit(journey, lang(res));
    if (result.kind === 'incomplete')
      return res.redirect(303, `${base(res, slug)}/s/${result.index + 1}`);
    if (result.kind === 'code-used') {
      // Nothing was stored; the draft is kept as it was.
      const doc = journey.questionnaire.definition;
      return res.status(409).render('pages/public/code-used', {
        doc,
        slug,
        content: contentContext(doc, lang(res), res.locals.t),
      });
    }
    clearDraftCookie(res, slug);
    setFlash(res, { kind: 'receipt', slug, code: result.receiptCode });
    res.redirect(303, `${base(res, slug)}/done`);
  });

  return router;
}
