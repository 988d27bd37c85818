import cookieParser from 'cookie-parser';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Deps } from './deps.js';
import { PATHS } from './paths.js';
import { healthRouter } from './web/health.js';
import { createTranslations, type Translations } from './web/i18n.js';
import { csrf } from './web/middleware/csrf.js';
import { errorHandler, notFound } from './web/middleware/errors.js';
import { locale, requestedLanguage } from './web/middleware/locale.js';
import { sharedRateLimit } from './web/middleware/rate-limit.js';
import { requestLog } from './web/middleware/request-log.js';
import { securityHeaders } from './web/middleware/security.js';
import { adminRouter } from './web/admin/router.js';
import { publicResultsRouter } from './web/public/results.js';
import { codesRouter } from './web/public/codes.js';
import { journeyRouter } from './web/public/journey.js';
import { pagesRouter } from './web/public/pages.js';
import { showCount } from './domain/disclosure.js';
import { isLanguageCode, LANGUAGE_CODES } from './domain/languages.js';
import { COOKIES, cookieOptions } from './web/cookies.js';

/** Builds the Express app from its dependencies; opens nothing and reads no environment. */
export function createApp(
  deps: Deps,
  translations: Translations = createTranslations(PATHS.locales),
): Express {
  const { settings } = deps;
  const app = express();
  app.disable('x-powered-by');
  // Pages carry a CSRF token per client: an entity tag would be a hash of every page for nothing.
  app.set('etag', false);
  app.set('trust proxy', settings.trustProxy);
  app.set('views', PATHS.views);
  app.set('view engine', 'ejs');
  app.set('view cache', settings.viewCache);
  app.locals.translations = translations;
  app.locals.showCount = showCount;

  app.use(requestLog(deps.logger));
  app.use(securityHeaders(settings.secureCookies));
  app.use(
    '/public',
    express.static(PATHS.public, { maxAge: settings.production ? '1d' : 0, index: false }),
  );
  // Two exact paths: other requests pass by one path match, not through a router.
  app.get(['/healthz', '/readyz'], healthRouter(deps.db));
  app.use(cookieParser());
  app.use(locale(translations, settings.secureCookies));
  // Only posts carry forms (the app has no other method with a body); other requests pass by.
  const forms = express.Router();
  // The builder edits every language of a questionnaire in one form: more and longer fields.
  forms.use('/admin', express.urlencoded({ extended: false, limit: '1mb', parameterLimit: 5000 }));
  forms.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 500 }));
  app.use((req, res, next) => (req.method === 'POST' ? forms(req, res, next) : next()));
  app.use(csrf(settings.secret, settings.secureCookies));

  const posts = sharedRateLimit({
    db: deps.db,
    secret: settings.secret,
    name: 'posts',
    windowMs: 60_000,
    limit: settings.rateLimits.postsPerMinute,
  });
  const submits = sharedRateLimit({
    db: deps.db,
    secret: settings.secret,
    name: 'submits',
    windowMs: 600_000,
    limit: settings.rateLimits.submitsPer10Minutes,
  });
  // Refused starts (a wrong or used access code) per client, so codes cannot be tried in bulk.
  const codeFailures = sharedRateLimit({
    db: deps.db,
    secret: settings.secret,
    name: 'code-failures',
    windowMs: 600_000,
    limit: settings.rateLimits.submitsPer10Minutes,
    skipSuccessfulRequests: true,
  });
  // Only POSTs are limited: one layer that GETs pass at once (every layer costs a path match).
  // Each post counts against one limit: submissions, resumes and withdrawals against their own
  // (the stricter), every other post against the limit on all posts.
  const limits = express.Router();
  const done = (_req: Request, _res: Response, next: NextFunction) => next('router');
  // A submission is counted by the statement that stores it (see journeyRouter).
  limits.post('/:lang/q/:slug/submit', done);
  limits.post(['/:lang/q/:slug/resume', '/:lang/withdraw'], submits, done);
  limits.post('/:lang/*rest', posts);
  limits.post('/:lang/q/:slug/start', codeFailures);
  app.use((req, res, next) => (req.method === 'POST' ? limits(req, res, next) : next()));

  // The citizens' pages first: they are most of the traffic; the journey's first of all. The
  // language is matched by the mount path itself, without a router nested in between.
  const languagePrefix = new RegExp(`^/(?<lang>${LANGUAGE_CODES.join('|')})(?=/|$)`);
  app.use(
    languagePrefix,
    journeyRouter(deps, { submits }),
    codesRouter(deps),
    pagesRouter(deps),
    publicResultsRouter(deps),
  );

  app.get('/', (req, res) => res.redirect(302, `/${requestedLanguage(req).lang ?? 'en'}/`));
  app.get('/q/:slug', async (req, res) => {
    const slug = String(req.params.slug);
    const chosen = requestedLanguage(req).lang;
    const questionnaire = chosen
      ? undefined
      : await deps.repositories.questionnaires.findPublished(slug);
    const lang = chosen ?? questionnaire?.definition.defaultLanguage ?? 'en';
    res.redirect(302, `/${lang}/q/${encodeURIComponent(slug)}`);
  });

  app.get('/language/:code', (req, res) => {
    const code = String(req.params.code);
    const next = String(req.query.next ?? '/');
    if (isLanguageCode(code)) res.cookie(COOKIES.lang, code, cookieOptions(settings.secureCookies));
    res.redirect(303, next.startsWith('/') && !next.startsWith('//') ? next : '/');
  });
  app.use('/admin', adminRouter(deps));

  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
}
