import type { Response } from 'express';
import { z } from 'zod';
import type { LanguageCode } from '../../domain/languages.js';
import { typeOf } from '../../domain/question-types/registry.js';
import type { FormValues } from '../../domain/question-types/types.js';
import type { Questionnaire } from '../../domain/questionnaire/schema.js';
import { resolveText } from '../../domain/questionnaire/text.js';
import type { Deps } from '../../deps.js';
import { NotFoundError } from '../../services/errors.js';
import { accountOf } from './access.js';
import type { ConditionTargetView } from './builder-view.js';
import { parseForm } from './forms.js';

const value = z
  .string()
  .max(5000)
  .refine((v) => !v.includes('\u0000'));

/**
 * A builder form: dotted field names (`options.2.label.en`) with text values. Anything else —
 * odd names, huge values, NUL bytes — is a 400.
 */
const builderForm = z.record(
  z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]{0,119}$/),
  z.union([value, z.array(value).max(60)]),
);

export function readBuilderForm(body: unknown): FormValues & { _action?: string } {
  const form = parseForm(builderForm, body);
  // The token was checked by the CSRF middleware; it is not part of the definition.
  delete form._csrf;
  return form;
}

/** "add:options" from an "add a row" button: the list that gets one more blank row. */
export function growing(form: FormValues): string | undefined {
  const action = form._action;
  return typeof action === 'string' && action.startsWith('add:') ? action.slice(4) : undefined;
}

export const lang = (res: Response) => res.locals.lang as LanguageCode;

export function outlineUrl(slug: string, anchor = '', flag = '') {
  return `/admin/questionnaires/${encodeURIComponent(slug)}/edit${flag ? `?${flag}=1` : ''}${anchor ? `#${anchor}` : ''}`;
}

/** The newest version of a questionnaire the account may edit. */
export async function draftOf(deps: Deps, res: Response, slug: string) {
  const q = await deps.coordination.get(accountOf(res), slug);
  return { q, doc: q.latest.definition as Questionnaire };
}

export function sectionIndex(doc: Questionnaire, key: string): number {
  const index = doc.sections.findIndex((s) => s.key === key);
  if (index < 0) throw new NotFoundError(`section ${key}`);
  return index;
}

/** Questions of the sections before this one whose answers a display condition can test. */
export function conditionTargets(
  doc: Questionnaire,
  before: number,
  language: LanguageCode,
): ConditionTargetView[] {
  return doc.sections.slice(0, before).flatMap((section) =>
    section.questions.flatMap((question) => {
      const target = typeOf(question).conditionTarget(question);
      if (!target) return [];
      const text = resolveText(question.text, language, doc.defaultLanguage).text;
      return [{ key: question.key, text, items: target.items, values: target.values }];
    }),
  );
}
