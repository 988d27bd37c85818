import { z } from 'zod';
import { badRequest } from '../errors.js';

const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((v) => !v.includes('\u0000'));

/** Parses a coordinator form with zod; anything unreadable is a 400, never a 500. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw badRequest();
  return parsed.data;
}

export const signInForm = z
  .object({
    _csrf: z.string(),
    email: text(320).default(''),
    password: text(1024).default(''),
    next: text(500).optional(),
  })
  .strict();

export const passwordForm = z
  .object({
    _csrf: z.string(),
    current: text(1024).default(''),
    password: text(1024).default(''),
    confirm: text(1024).default(''),
  })
  .strict();

export const setPasswordForm = z
  .object({ _csrf: z.string(), password: text(1024).default(''), confirm: text(1024).default('') })
  .strict();

export const accountForm = z
  .object({
    _csrf: z.string(),
    email: text(320).default(''),
    role: z.enum(['admin', 'coordinator', 'analyst']).optional(),
    countries: z.union([text(2), z.array(text(2)).max(40)]).optional(),
  })
  .strict();

export const statusForm = z
  .object({ _csrf: z.string(), status: z.enum(['open', 'closed', 'archived']) })
  .strict();

/** A whole number typed in a text field (spaces around it allowed), from min to max. */
export const wholeNumberField = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,6}$/)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

export const emptyForm = z.object({ _csrf: z.string() }).strict();

export const auditQuery = z
  .object({
    action: text(60).optional(),
    actor: text(320).optional(),
    from: z.union([z.literal(''), z.iso.date()]).optional(),
    to: z.union([z.literal(''), z.iso.date()]).optional(),
  })
  .strict();

/** A local path to go back to after signing in; anything else goes to the dashboard. */
export function safeNext(next: string | undefined): string {
  return next && /^\/admin(\/|$)/.test(next) && !next.startsWith('//')
    ? next
    : '/admin/questionnaires';
}
