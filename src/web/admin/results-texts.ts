import type { Response } from 'express';
import { z } from 'zod';
import { showCount } from '../../domain/disclosure/index.js';
import type { LanguageCode } from '../../domain/languages.js';
import { resolveText } from '../../domain/questionnaire/text.js';
import type { Deps } from '../../deps.js';
import type { TextAnswerPage, TextCursor } from '../../services/text-answers.js';
import { badRequest } from '../errors.js';
import { accountOf, type AdminRoute } from './access.js';

/**
 * A place in the list, as it appears in the address: a position (a signed 64-bit number)
 * shifted to 0..2^64-1 and written as 16 hexadecimal digits, so that places sort as positions do.
 */
const place = z.string().regex(/^[0-9a-f]{16}$/);
const textsQuery = z
  .object({ after: place.optional(), before: place.optional() })
  .strict()
  .refine((q) => q.after === undefined || q.before === undefined);

const SHIFT = 2n ** 63n;
const toPlace = (position: bigint) => (position + SHIFT).toString(16).padStart(16, '0');
const fromPlace = (hex: string) => BigInt(`0x${hex}`) - SHIFT;

function cursorOf(query: z.infer<typeof textsQuery>): TextCursor {
  if (query.after !== undefined) return { after: fromPlace(query.after) };
  if (query.before !== undefined) return { before: fromPlace(query.before) };
  return null;
}

function hrefOf(base: string, cursor: TextCursor): string | null {
  if (cursor === null) return null;
  return 'after' in cursor
    ? `${base}?after=${toPlace(cursor.after)}`
    : `${base}?before=${toPlace(cursor.before)}`;
}

function view(res: Response, page: TextAnswerPage) {
  const lang = res.locals.lang as LanguageCode;
  const doc = page.definition;
  const format = res.locals.num as (n: number) => string;
  const results = `/admin/questionnaires/${page.slug}/results`;
  const base = `${results}/texts/${page.question.key}`;
  return {
    title: resolveText(doc.title, lang, doc.defaultLanguage),
    question: resolveText(page.question.text, lang, doc.defaultLanguage),
    slug: page.slug,
    k: page.policy.threshold,
    results,
    base,
    state: page.deleted ? 'deleted' : page.answered.kind,
    answered: showCount(page.answered, format),
    texts: page.texts,
    previous: hrefOf(base, page.previous),
    next: hrefOf(base, page.next),
  };
}

/** Free-text answers to one question, for the coordinators of the questionnaire's country. */
export function resultTextRoutes(deps: Deps): AdminRoute[] {
  return [
    {
      method: 'get',
      path: '/questionnaires/:slug/results/texts/:question',
      access: 'row-level',
      handler: async (req, res) => {
        const query = textsQuery.safeParse(req.query);
        if (!query.success) throw badRequest();
        const page = await deps.textAnswers.page(
          accountOf(res),
          String(req.params.slug),
          String(req.params.question),
          cursorOf(query.data),
        );
        res.render('pages/admin/results-texts', view(res, page));
      },
    },
  ];
}
