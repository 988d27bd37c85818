import { z } from 'zod';
import { normaliseCode } from '../../domain/codes.js';
import type { FormValues } from '../../domain/question-types/types.js';
import { badRequest } from '../errors.js';

const value = z
  .string()
  .max(20_000)
  .refine((v) => !v.includes('\u0000'));
const formSchema = z.record(z.string().max(200), z.union([value, z.array(value).max(300)]));

const CONTROL_FIELDS = new Set(['_csrf', 'action']);

/**
 * Reads a questionnaire section form. Anything that is not text, contains NUL bytes or names a
 * field the section does not have is refused whole with a 400, so nothing partial is stored.
 */
export function parseSectionForm(
  body: unknown,
  allowed: Set<string>,
): { form: FormValues; action: 'next' | 'back' | 'save' } {
  const parsed = formSchema.safeParse(body ?? {});
  if (!parsed.success) throw badRequest();
  const form = parsed.data;
  for (const name of Object.keys(form)) {
    if (!allowed.has(name) && !CONTROL_FIELDS.has(name)) throw badRequest();
  }
  const action = form.action ?? 'next';
  if (action !== 'next' && action !== 'back' && action !== 'save') throw badRequest();
  return { form, action };
}

const codeFormSchema = z.object({ _csrf: z.string(), code: value.optional() }).strict();

/** Reads a form with one code field; returns the normalised code or the error key to show. */
export function parseCodeForm(body: unknown): { code: string } | { error: string; typed: string } {
  const parsed = codeFormSchema.safeParse(body ?? {});
  if (!parsed.success) throw badRequest();
  const typed = (parsed.data.code ?? '').trim();
  if (typed === '') return { error: 'errors.code_missing', typed };
  const code = normaliseCode(typed);
  return code ? { code } : { error: 'errors.code_format', typed };
}

const startFormSchema = z
  .object({ _csrf: z.string(), website: value.optional(), code: value.optional() })
  .strict();

/**
 * The start form: the CSRF field, the access code of an access-code questionnaire, and a
 * honeypot, a field people never see or fill in (hidden from view and from screen readers).
 * Returns whether a robot filled it, and the code as typed.
 */
export function parseStartForm(body: unknown): { robot: boolean; code: string | undefined } {
  const parsed = startFormSchema.safeParse(body ?? {});
  if (!parsed.success) throw badRequest();
  return { robot: (parsed.data.website ?? '').trim() !== '', code: parsed.data.code };
}

const emptyFormSchema = z.object({ _csrf: z.string() }).strict();

/** Control-only forms (submit): just the CSRF field. */
export function parseEmptyForm(body: unknown): void {
  if (!emptyFormSchema.safeParse(body ?? {}).success) throw badRequest();
}
