import { Router } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { badRequest } from '../errors.js';
import { cachedResultsView } from '../results-view.js';
import { citizenHelpers } from './citizen.js';
import { contentContext } from './view-model.js';

const resultsQuery = z.object({ by: z.string().max(70).optional() }).strict();

/**
 * The public results page of a questionnaire, once a coordinator has made it public: the same
 * protected numbers as the coordinators' page, in the citizen's language.
 */
export function publicResultsRouter(deps: Deps): Router {
  const router = Router({ mergeParams: true });
  const { lang, slugOf } = citizenHelpers(deps.settings.secureCookies);

  router.get('/q/:slug/results', async (req, res) => {
    const slug = slugOf(req);
    const query = resultsQuery.safeParse(req.query);
    if (!query.success) throw badRequest();
    const found = await deps.results.publicResults(slug, query.data.by ?? '');
    const date = new Intl.DateTimeFormat(lang(res), { dateStyle: 'long', timeZone: 'UTC' });
    if (found.kind === 'after-closing') {
      return res.render('pages/public/results-later', {
        doc: found.definition,
        slug,
        content: contentContext(found.definition, lang(res), res.locals.t),
        closesOn: found.closesAt && date.format(found.closesAt),
      });
    }
    const { results } = found;
    res.render('pages/public/results', {
      ...cachedResultsView(results, lang(res), res.locals.t),
      doc: results.definition,
      content: contentContext(results.definition, lang(res), res.locals.t),
      open: results.status === 'open',
      closedOn: results.closedAt && date.format(results.closedAt),
    });
  });

  return router;
}
