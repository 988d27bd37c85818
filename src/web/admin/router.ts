import { Router } from 'express';
import type { Deps } from '../../deps.js';
import { sharedRateLimit } from '../middleware/rate-limit.js';
import { guard, type AdminRoute } from './access.js';
import { accessCodeRoutes } from './access-codes.js';
import { accountRoutes } from './accounts.js';
import { auditRoutes } from './audit.js';
import { questionBuilderRoutes } from './builder-questions.js';
import { builderRoutes } from './builder.js';
import { authRoutes } from './auth.js';
import { previewRoutes } from './preview.js';
import { resultExportRoutes } from './results-export.js';
import { resultTextRoutes } from './results-texts.js';
import { resultRoutes } from './results.js';
import { resultsSettingsRoutes } from './results-settings.js';
import { questionnaireRoutes } from './questionnaires.js';
import { translationRoutes } from './translations.js';
import { xlsformRoutes } from './xlsform.js';
import { adminSession, loadAccount } from './session.js';

export function adminRoutes(deps: Deps): AdminRoute[] {
  return [
    ...authRoutes(deps),
    // Before the questionnaire page, whose /questionnaires/:slug would take /questionnaires/new.
    ...builderRoutes(deps),
    ...questionBuilderRoutes(deps),
    ...questionnaireRoutes(deps),
    ...previewRoutes(deps),
    ...resultRoutes(deps),
    ...resultsSettingsRoutes(deps),
    ...resultExportRoutes(deps),
    ...resultTextRoutes(deps),
    ...translationRoutes(deps),
    ...xlsformRoutes(deps),
    ...accessCodeRoutes(deps),
    ...accountRoutes(deps),
    ...auditRoutes(deps),
  ];
}

/** The coordinator area under /admin: sessions, sign-in throttling, then every route behind its guard. */
export function adminRouter(deps: Deps): Router {
  const router = Router();
  router.use(adminSession(deps));
  router.use(loadAccount(deps));
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  // Failed sign-ins per e-mail address (known or not, so both get the same answer) and per client.
  const perEmail = sharedRateLimit({
    db: deps.db,
    secret: deps.settings.secret,
    name: 'signin-email',
    windowMs: 15 * 60_000,
    limit: 5,
    skipSuccessfulRequests: true,
    key: (req) =>
      String((req.body as { email?: unknown })?.email ?? '')
        .trim()
        .toLowerCase(),
  });
  const perClient = sharedRateLimit({
    db: deps.db,
    secret: deps.settings.secret,
    name: 'signin-client',
    windowMs: 15 * 60_000,
    limit: 50,
    skipSuccessfulRequests: true,
  });
  router.post('/sign-in', perEmail, perClient);
  for (const route of adminRoutes(deps))
    router[route.method](route.path, guard(route.access), route.handler);
  return router;
}
