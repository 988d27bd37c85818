import type { NextFunction, Request, Response } from 'express';
import {
  directionOf,
  isLanguageCode,
  LANGUAGES,
  type LanguageCode,
} from '../../domain/languages.js';
import { COOKIES, cookieOptions } from '../cookies.js';
import { fromAcceptLanguage, type Translations } from '../i18n.js';

const LANG_PREFIX = /^\/([a-z]{2})(?=\/|$)/;

/** The language a request asks for: its URL, else the cookie, else Accept-Language. */
export function requestedLanguage(req: Request): {
  lang: LanguageCode | undefined;
  fromUrl: boolean;
} {
  const match = LANG_PREFIX.exec(req.path);
  if (match && isLanguageCode(match[1] as string))
    return { lang: match[1] as LanguageCode, fromUrl: true };
  const cookie = req.cookies?.[COOKIES.lang] as string | undefined;
  if (cookie && isLanguageCode(cookie)) return { lang: cookie, fromUrl: false };
  return { lang: fromAcceptLanguage(req.get('accept-language')), fromUrl: false };
}

const numberFormats = new Map<LanguageCode, Intl.NumberFormat>();

/** Formats a number the way the language writes it (Intl), one formatter per language. */
export function numberFormat(lang: LanguageCode): (value: number) => string {
  let format = numberFormats.get(lang);
  if (!format) {
    format = new Intl.NumberFormat(lang);
    numberFormats.set(lang, format);
  }
  return (value) => (format as Intl.NumberFormat).format(value);
}

/** Renders the rest of the response in a language (also used by the coordinators' preview). */
export function useLanguage(res: Response, translations: Translations, lang: LanguageCode): void {
  res.locals.lang = lang;
  res.locals.dir = directionOf(lang);
  res.locals.t = translations.forLanguage(lang);
  res.locals.num = numberFormat(lang);
}

type Switcher = { code: LanguageCode; name: string; dir: string; href: string; current: boolean }[];

function switcherFor(lang: LanguageCode, href: (code: LanguageCode) => string): Switcher {
  return LANGUAGES.map((l) => ({
    code: l.code,
    name: l.name,
    dir: l.dir,
    href: href(l.code),
    current: l.code === lang,
  }));
}

/** Sets the page language, direction, translator and language switcher for every view. */
export function locale(translations: Translations, secureCookies: boolean) {
  // The switchers of pages with the language in their URL, by language and path: the same for
  // every request to that page (read-only in views). Kept for the most recent paths.
  const switchers = new Map<string, Switcher>();
  return (req: Request, res: Response, next: NextFunction) => {
    const requested = requestedLanguage(req);
    const lang = requested.lang ?? 'en';
    if (requested.fromUrl && req.cookies?.[COOKIES.lang] !== lang) {
      res.cookie(COOKIES.lang, lang, cookieOptions(secureCookies));
    }
    useLanguage(res, translations, lang);
    if (!requested.fromUrl) {
      // Pages without a language in their URL (the coordinator area) switch through a cookie.
      const here = encodeURIComponent(req.originalUrl);
      res.locals.switcher = switcherFor(lang, (code) => `/language/${code}?next=${here}`);
      return next();
    }
    // The path names the language too.
    let switcher = switchers.get(req.path);
    if (!switcher) {
      const rest = req.path.replace(LANG_PREFIX, '');
      switcher = switcherFor(lang, (code) => `/${code}${rest === '' ? '/' : rest}`);
      if (switchers.size >= 1000) switchers.clear();
      switchers.set(req.path, switcher);
    }
    res.locals.switcher = switcher;
    next();
  };
}
