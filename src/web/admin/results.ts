import { z } from 'zod';
import type { LanguageCode } from '../../domain/languages.js';
import type { Deps } from '../../deps.js';
import { mayReadTexts } from '../../services/text-answers.js';
import { badRequest } from '../errors.js';
import { cachedResultsView } from '../results-view.js';
import { accountOf, type AdminRoute } from './access.js';

const resultsQuery = z.object({ by: z.string().max(70).optional() }).strict();

/** Results pages of the coordinator area: protected tables per question, with a breakdown. */
export function resultRoutes(deps: Deps): AdminRoute[] {
  return [
    {
      method: 'get',
      path: '/questionnaires/:slug/results',
      access: 'signed-in',
      handler: async (req, res) => {
        const query = resultsQuery.safeParse(req.query);
        if (!query.success) throw badRequest();
        const account = accountOf(res);
        const results = await deps.results.results(
          account,
          String(req.params.slug),
          query.data.by ?? '',
        );
        res.render('pages/admin/results', {
          // The view is shared by every reader of these results: add to a copy, never to it.
          ...cachedResultsView(results, res.locals.lang as LanguageCode, res.locals.t),
          /** Text questions whose answers this account may read on their own page. */
          readableTexts: mayReadTexts(account)
            ? results.questions.filter((q) => q.question.type === 'text').map((q) => q.question.key)
            : [],
        });
      },
    },
  ];
}
