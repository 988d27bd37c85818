import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { MAX_ACCESS_CODES_PER_REQUEST } from '../../services/access-codes.js';
import type { Deps } from '../../deps.js';
import { accountOf, type AdminRoute } from './access.js';
import { parseForm, wholeNumberField } from './forms.js';
import { questionnairePage } from './questionnaire-page.js';

const generateForm = z
  .object({ _csrf: z.string(), count: z.string().max(50).default('') })
  .strict();
const countSchema = wholeNumberField(1, MAX_ACCESS_CODES_PER_REQUEST);

/** Access codes of an access-code questionnaire: generated in bulk, downloaded once as CSV. */
export function accessCodeRoutes(deps: Deps): AdminRoute[] {
  const renderPage = questionnairePage(deps);
  return [
    {
      method: 'post',
      path: '/questionnaires/:slug/access-codes',
      access: 'editor',
      handler: async (req, res) => {
        const form = parseForm(generateForm, req.body);
        const slug = String(req.params.slug);
        const count = countSchema.safeParse(form.count);
        if (!count.success)
          return renderPage(res, slug, {
            accessCodes: { count: form.count, error: 'admin.accessCodes.countError' },
          });
        const codes = await deps.accessCodes.generate(accountOf(res), slug, count.data);
        res
          .set('Cache-Control', 'no-store')
          .attachment(`${slug}-access-codes.csv`)
          .type('text/csv; charset=utf-8')
          .send(stringify([['code'], ...codes.map((code) => [code])]));
      },
    },
  ];
}
