import type { CookieOptions } from 'express';

export const COOKIES = {
  csrf: 'consulta_csrf',
  lang: 'consulta_lang',
  flash: 'consulta_flash',
  /** One draft cookie per questionnaire, so no cookie links two questionnaires. */
  draft: (slug: string) => `consulta_draft_${slug}`,
} as const;

/** Session cookies only: they go when the browser closes. */
export function cookieOptions(secure: boolean, extra: CookieOptions = {}): CookieOptions {
  return { httpOnly: true, sameSite: 'lax', secure, path: '/', ...extra };
}
