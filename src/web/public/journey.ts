import { Router, type NextFunction, type Request, type Response } from 'express';
import {
  sectionFields,
  sectionFormValues,
  visibleQuestions,
  visibleSections,
  type Answers,
} from '../../domain/questionnaire/journey.js';
import type { Section } from '../../domain/questionnaire/schema.js';
import type { Question } from '../../domain/question-types/registry-schema.js';
import type { FieldError, FormValues } from '../../domain/question-types/types.js';
import type { Deps } from '../../deps.js';
import type { Journey, SubmitResult } from '../../services/answering.js';
import { NotFoundError } from '../../services/errors.js';
import { tooMany } from '../errors.js';
import { countAgainst, type RateLimit } from '../middleware/rate-limit.js';
import { logUnreachable, unavailable, unreachableDatabase } from '../unavailable.js';
import { pageCache } from '../page-cache.js';
import { citizenHelpers } from './citizen.js';
import { parseEmptyForm, parseSectionForm, parseStartForm } from './forms.js';
import { questionViews, summaryRows } from './question-view.js';
import { contentContext, errorViews } from './view-model.js';
import { questionsWithoutDraft } from './kept-answers.js';

type Draftful = Journey & { draft: NonNullable<Journey['draft']> };

/** What a section page is drawn from: the version answered and the answers that decide what shows. */
interface SectionSource {
  questionnaire: Journey['questionnaire'];
  answers: Answers;
}

/**
 * The citizen's journey through one questionnaire, mounted under /:lang. `limits.submits` is
 * the limit on submissions; the submit counts against it itself (see its handler).
 */
export function journeyRouter(deps: Deps, limits: { submits: RateLimit }): Router {
  const router = Router({ mergeParams: true });
  const { answering, settings } = deps;

  const { lang, slugOf, base, draftCookie, setDraftCookie, clearDraftCookie, setFlash } =
    citizenHelpers(settings.secureCookies);

  const pages = pageCache();

  /** Each request's journey, once read: its error paths draw the page again from it. */
  const journeys = new WeakMap<Request, Draftful>();

  /** The citizen's draft, or a redirect to the start page when there is none. */
  async function withDraft(req: Request, res: Response): Promise<Draftful | undefined> {
    const slug = slugOf(req);
    const journey = await answering.journey(slug, draftCookie(req, slug));
    if (journey.draft) {
      journeys.set(req, journey as Draftful);
      return journey as Draftful;
    }
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

  /** What a section page shows: the section, its visible questions with their values and errors. */
  function sectionView(
    res: Response,
    source: SectionSource,
    index: number,
    form: FormValues,
    errors: FieldError[],
    /** The database could not be reached: nothing was saved; these questions show again (503). */
    unsaved?: { questions: Question[] },
  ) {
    const doc = source.questionnaire.definition;
    const t = res.locals.t;
    const content = contentContext(doc, lang(res), t);
    const section = doc.sections[index] as Section;
    const visible = visibleSections(doc, source.answers);
    const position = visible.indexOf(index);
    const errorList = errorViews(errors, t, content);
    const questions = unsaved?.questions ?? visibleQuestions(doc, section, source.answers);
    return {
      doc,
      content,
      slug: source.questionnaire.slug,
      section,
      number: index + 1,
      progress: {
        current: (position < 0 ? visible.length : position) + 1,
        total: Math.max(visible.length, 1),
      },
      isFirst: visible[0] === index,
      questions: questionViews(questions, form, errorList, content),
      errors: errorList,
      unsaved: unsaved !== undefined,
    };
  }

  function renderSection(
    res: Response,
    source: SectionSource,
    index: number,
    form: FormValues,
    errors: FieldError[],
    unsaved?: { questions: Question[] },
  ) {
    if (unsaved) unavailable(res);
    else res.status(errors.length > 0 ? 400 : 200);
    res.render('pages/public/section', sectionView(res, source, index, form, errors, unsaved));
  }

  /** The check page; `unsent` when submitting met an unreachable database (503). */
  function renderCheck(res: Response, journey: Draftful, unsent = false) {
    const doc = journey.questionnaire.definition;
    const content = contentContext(doc, lang(res), res.locals.t);
    if (unsent) unavailable(res);
    res.render('pages/public/check', {
      doc,
      content,
      slug: journey.questionnaire.slug,
      sections: summaryRows(doc, journey.draft.answers, content),
      unsent,
    });
  }

  /** The start page; an access-code questionnaire's shows the code field (with its error). */
  async function renderStart(res: Response, slug: string, error?: string, typed = '') {
    const questionnaire = await answering.startPage(slug);
    const doc = questionnaire.definition;
    const view = () => ({
      doc,
      slug: questionnaire.slug,
      content: contentContext(doc, lang(res), res.locals.t),
      sectionCount: visibleSections(doc, {}).length,
      accessCode:
        doc.mode === 'access-code' ? { error: error && res.locals.t(error), typed } : undefined,
    });
    if (error) return res.status(400).render('pages/public/start', view());
    await pages.send(res, questionnaire.versionId, 'pages/public/start', view);
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
    const answers = journey.draft.answers;
    const visible = visibleSections(doc, answers);
    if (!visible.includes(index)) {
      const next = visible.find((i) => i > index);
      return res.redirect(
        303,
        next === undefined
          ? `${base(res, journey.questionnaire.slug)}/check`
          : `${base(res, journey.questionnaire.slug)}/s/${next + 1}`,
      );
    }
    const source = { questionnaire: journey.questionnaire, answers };
    const form = sectionFormValues(doc, index, answers);
    // A section the citizen has answered shows their answers: drawn for them alone.
    if (Object.keys(form).length > 0) return renderSection(res, source, index, form, []);
    // One not answered yet looks the same to everybody who reached it with the same sections
    // and questions shown.
    const questions = visibleQuestions(doc, doc.sections[index] as Section, answers);
    await pages.send(
      res,
      `${journey.questionnaire.versionId}|${index}|${visible.join(',')}|${questions.map((q) => q.key).join(',')}`,
      'pages/public/section',
      () => sectionView(res, source, index, form, []),
    );
  });

  /**
   * When the database cannot be reached, the section comes back as the citizen sent it, with a
   * notice that nothing was saved (503), rather than an error page that would lose what they
   * typed. Without the journey (the draft could not be read either) it is drawn from the published
   * version this process read last, when the sent fields are that section's; otherwise the error
   * page.
   */
  function keepTypedAnswers(error: unknown, req: Request, res: Response, next: NextFunction) {
    const reason = unreachableDatabase(error);
    if (reason === undefined || res.headersSent) return next(error);
    const journey = journeys.get(req);
    const questionnaire =
      journey?.questionnaire ?? answering.lastPublished(String(req.params.slug));
    const index = Number(req.params.n) - 1;
    const section = questionnaire?.definition.sections[index];
    if (!questionnaire || !section) return next(error);
    let form: FormValues;
    try {
      form = parseSectionForm(req.body, sectionFields(section)).form;
    } catch {
      // Fields of another version (or no form at all): the error page, as for any other page.
      return next(error);
    }
    logUnreachable(deps.logger, res, reason);
    const doc = questionnaire.definition;
    const answers = journey?.draft.answers ?? {};
    const questions = journey
      ? visibleQuestions(doc, section, answers)
      : questionsWithoutDraft(doc, section, form);
    renderSection(res, { questionnaire, answers }, index, form, [], { questions });
  }

  router.post(
    '/q/:slug/s/:n',
    async (req: Request, res: Response) => {
      const journey = await withDraft(req, res);
      if (!journey) return;
      const index = sectionIndex(req, journey);
      const section = journey.questionnaire.definition.sections[index] as Section;
      const { form, action } = parseSectionForm(req.body, sectionFields(section));
      const result = await answering.saveSection(journey, index, form, action);
      const slug = journey.questionnaire.slug;
      if (result.kind === 'invalid') {
        const answers = journey.draft.answers;
        return renderSection(res, { ...journey, answers }, index, form, result.errors);
      }
      if (result.kind === 'saved') {
        setFlash(res, { kind: 'resume', slug, code: result.resumeCode });
        return res.redirect(303, `${base(res, slug)}/saved`);
      }
      if (result.kind === 'check') return res.redirect(303, `${base(res, slug)}/check`);
      res.redirect(
        303,
        result.index < 0 ? base(res, slug) : `${base(res, slug)}/s/${result.index + 1}`,
      );
    },
    keepTypedAnswers,
  );

  router.get('/q/:slug/check', async (req, res) => {
    const journey = await withDraft(req, res);
    if (journey) renderCheck(res, journey);
  });

  /**
   * When the database cannot be reached at submission, nothing was stored: the response, its
   * answers and the draft's deletion are one statement, and the receipt is given only after it
   * committed. The draft is kept, so the check page comes back with a notice (503); when even
   * the draft could not be read, a page with the button that sends it again.
   */
  function keepDraftToSend(error: unknown, req: Request, res: Response, next: NextFunction) {
    const reason = unreachableDatabase(error);
    if (reason === undefined || res.headersSent) return next(error);
    logUnreachable(deps.logger, res, reason);
    const notSent = () => unavailable(res).render('pages/public/not-sent', { slug: slugOf(req) });
    const journey = journeys.get(req);
    if (journey) return renderCheck(res, journey, true);
    // Submitted as it was, the draft was not read. When only the connection under the statement
    // was lost, the database may answer another: read it, to show the check page again.
    if (reason !== 'connection-lost') return notSent();
    answering
      .journey(slugOf(req), draftCookie(req, slugOf(req)))
      .then(
        (found) => (found.draft ? renderCheck(res, found as Draftful, true) : notSent()),
        () => notSent(),
      )
      .catch(next);
  }

  router.post(
    '/q/:slug/submit',
    async (req: Request, res: Response) => {
      parseEmptyForm(req.body);
      const slug = slugOf(req);
      // The statement that submits a draft as it is also counts the client's hit on the limit
      // of submissions: one round trip, where the limiter would add one of its own.
      const first = await answering.submitAsItIs(
        slug,
        draftCookie(req, slug),
        lang(res),
        limits.submits.hitOf(req),
      );
      if (first.kind === 'too-many') throw tooMany();
      let result: SubmitResult;
      if (first.kind === 'long-way') {
        if (!first.counted) await countAgainst(limits.submits, req, res);
        // Not submitted as it was: read the draft, and store it or say why not.
        const journey = await withDraft(req, res);
        if (!journey) return;
        result = await answering.submit(journey, lang(res));
        if (result.kind === 'code-used') {
          // Nothing was stored; the draft is kept as it was.
          const doc = journey.questionnaire.definition;
          return res.status(409).render('pages/public/code-used', {
            doc,
            slug,
            content: contentContext(doc, lang(res), res.locals.t),
          });
        }
      } else result = first;
      if (result.kind === 'incomplete')
        return res.redirect(303, `${base(res, slug)}/s/${result.index + 1}`);
      // The same draft was stored by another request a moment before (a double click): thank
      // the citizen. The receipt went to that request; the page says it cannot be shown again.
      // (The draft could also have moved to another device by its resume code in between, a
      // window of milliseconds; nothing here can tell the two apart.)
      if (result.kind === 'draft-gone') {
        clearDraftCookie(res, slug);
        return res.redirect(303, `${base(res, slug)}/done`);
      }
      clearDraftCookie(res, slug);
      setFlash(res, { kind: 'receipt', slug, code: result.receiptCode });
      res.redirect(303, `${base(res, slug)}/done`);
    },
    keepDraftToSend,
  );

  return router;
}
