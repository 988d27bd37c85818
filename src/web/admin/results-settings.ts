import { z } from 'zod';
import { RESULTS_PUBLIC } from '../../db/questionnaires.js';
import { MIN_THRESHOLD } from '../../domain/disclosure/index.js';
import { MAX_RETENTION_DAYS, MAX_THRESHOLD } from '../../services/coordination.js';
import type { Deps } from '../../deps.js';
import { accountOf, type AdminRoute } from './access.js';
import { parseForm, wholeNumberField } from './forms.js';
import { questionnairePage } from './questionnaire-page.js';

const settingsForm = z
  .object({
    _csrf: z.string(),
    threshold: z.string().max(20).default(''),
    public: z.enum(RESULTS_PUBLIC),
  })
  .strict();
const retentionForm = z
  .object({ _csrf: z.string(), days: z.string().max(20).default('') })
  .strict();

const thresholdField = wholeNumberField(MIN_THRESHOLD, MAX_THRESHOLD);
const daysField = wholeNumberField(1, MAX_RETENTION_DAYS);

/** The results settings on a questionnaire's page: threshold k, public results, retention. */
export function resultsSettingsRoutes(deps: Deps): AdminRoute[] {
  const renderPage = questionnairePage(deps);
  const page = (slug: string, flag: string) =>
    `/admin/questionnaires/${encodeURIComponent(slug)}?${flag}=1#results-settings`;
  return [
    {
      method: 'post',
      path: '/questionnaires/:slug/results-settings',
      access: 'editor',
      handler: async (req, res) => {
        const form = parseForm(settingsForm, req.body);
        const slug = String(req.params.slug);
        const threshold = thresholdField.safeParse(form.threshold).data;
        if (threshold === undefined)
          return renderPage(res, slug, {
            resultsSettings: {
              threshold: form.threshold,
              public: form.public,
              error: 'admin.resultsSettings.thresholdError',
            },
          });
        await deps.coordination.setResultsSettings(accountOf(res), slug, {
          threshold,
          public: form.public,
        });
        res.redirect(303, page(slug, 'resultsSaved'));
      },
    },
    {
      method: 'post',
      path: '/questionnaires/:slug/retention',
      access: 'admin',
      handler: async (req, res) => {
        const form = parseForm(retentionForm, req.body);
        const slug = String(req.params.slug);
        const days = form.days.trim() === '' ? null : daysField.safeParse(form.days).data;
        if (days === undefined)
          return renderPage(res, slug, {
            retention: { days: form.days, error: 'admin.retention.daysError' },
          });
        await deps.coordination.setRetention(accountOf(res), slug, days);
        res.redirect(303, page(slug, 'retentionSaved'));
      },
    },
  ];
}
