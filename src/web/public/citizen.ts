import type { Request, Response } from 'express';
import type { LanguageCode } from '../../domain/languages.js';
import { NotFoundError } from '../../services/errors.js';
import { COOKIES, cookieOptions } from '../cookies.js';

const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/** What the citizen routers share: the slug, language, URLs and the citizen's cookies. */
export function citizenHelpers(secureCookies: boolean) {
  const lang = (res: Response) => res.locals.lang as LanguageCode;
  return {
    lang,
    slugOf(req: Request): string {
      const slug = String(req.params.slug);
      if (!SLUG.test(slug)) throw new NotFoundError('bad slug');
      return slug;
    },
    base: (res: Response, slug: string) => `/${lang(res)}/q/${slug}`,
    draftCookie: (req: Request, slug: string) =>
      req.cookies?.[COOKIES.draft(slug)] as string | undefined,
    setDraftCookie: (res: Response, slug: string, token: string) =>
      res.cookie(COOKIES.draft(slug), token, cookieOptions(secureCookies)),
    clearDraftCookie: (res: Response, slug: string) =>
      res.clearCookie(COOKIES.draft(slug), cookieOptions(secureCookies)),
    /** A code shown once on the next page (receipt or resume code), kept for ten minutes at most. */
    setFlash: (res: Response, value: { kind: 'receipt' | 'resume'; slug: string; code: string }) =>
      res.cookie(
        COOKIES.flash,
        JSON.stringify(value),
        cookieOptions(secureCookies, { maxAge: 10 * 60_000 }),
      ),
    takeFlash(
      req: Request,
      res: Response,
      kind: 'receipt' | 'resume',
      slug: string,
    ): string | undefined {
      const raw = req.cookies?.[COOKIES.flash] as string | undefined;
      if (!raw) return undefined;
      res.clearCookie(COOKIES.flash, cookieOptions(secureCookies));
      try {
        const flash = JSON.parse(raw) as { kind?: string; slug?: string; code?: string };
        return flash.kind === kind && flash.slug === slug ? flash.code : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

export type CitizenHelpers = ReturnType<typeof citizenHelpers>;
