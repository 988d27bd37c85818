import type { Deps } from '../../deps.js';
import type { AdminRoute } from './access.js';
import { auditQuery, parseForm } from './forms.js';

export const AUDIT_ACTIONS = [
  'sign-in',
  'sign-in-failed',
  'sign-out',
  'password-change',
  'password-set',
  'account-create',
  'account-disable',
  'account-enable',
  'questionnaire-import',
  'questionnaire-duplicate',
  'questionnaire-publish',
  'questionnaire-schedule',
  'translations-export',
  'translations-import',
  'questionnaire-status',
  'questionnaire-export',
  'access-codes-generate',
  'results-settings',
  'retention-settings',
  'results-export',
  'results-texts-view',
];

/** The administrators' view of the audit log, filtered by action, person and dates. */
export function auditRoutes(deps: Deps): AdminRoute[] {
  return [
    {
      method: 'get',
      path: '/audit',
      access: 'admin',
      handler: async (req, res) => {
        const filter = parseForm(auditQuery, req.query);
        const entries = await deps.repositories.audit.list({
          action: filter.action || undefined,
          actor: filter.actor || undefined,
          from: filter.from || undefined,
          to: filter.to || undefined,
        });
        const format = new Intl.DateTimeFormat(res.locals.lang as string, {
          dateStyle: 'medium',
          timeStyle: 'medium',
          timeZone: 'UTC',
        });
        res.render('pages/admin/audit', {
          filter,
          actions: AUDIT_ACTIONS,
          entries: entries.map((e) => ({
            ...e,
            when: format.format(e.at),
            iso: e.at.toISOString(),
            details: JSON.stringify(e.details),
          })),
        });
      },
    },
  ];
}
