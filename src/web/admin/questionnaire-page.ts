import type { Response } from 'express';
import { countryName } from '../../domain/countries.js';
import { protectCount } from '../../domain/disclosure.js';
import { nativeName, type LanguageCode } from '../../domain/languages.js';
import { resolveText } from '../../domain/questionnaire/text.js';
import type { DefinitionError } from '../../domain/questionnaire/validate.js';
import { MIN_THRESHOLD } from '../../domain/disclosure/index.js';
import { MAX_ACCESS_CODES_PER_REQUEST } from '../../services/access-codes.js';
import { MAX_RETENTION_DAYS, MAX_THRESHOLD } from '../../services/coordination.js';
import type { Deps } from '../../deps.js';
import { accountOf } from './access.js';

export interface QuestionnairePageOptions {
  problems?: { heading: string; errors: (DefinitionError & { translated?: boolean })[] };
  flags?: Record<string, boolean>;
  /** The schedule as typed, kept on the page when it was refused. */
  schedule?: { opensAt: string; closesAt: string };
  /** The number of access codes as typed, with the error key that refused it. */
  accessCodes?: { count: string; error: string };
  /** The results settings as typed, with the error key that refused them. */
  resultsSettings?: { threshold: string; public: string; error: string };
  /** The retention period as typed, with the error key that refused it. */
  retention?: { days: string; error: string };
}

/** Renders a questionnaire's page in the coordinator area (400 when something was refused). */
export function questionnairePage(deps: Deps) {
  return async (res: Response, slug: string, options: QuestionnairePageOptions = {}) => {
    const lang = res.locals.lang as LanguageCode;
    const account = accountOf(res);
    const q = await deps.coordination.get(account, slug);
    const codes = await deps.accessCodes.counts(q);
    const local = (d: Date | null) => (d ? d.toISOString().slice(0, 16) : '');
    const max = (res.locals.num as (n: number) => string)(MAX_ACCESS_CODES_PER_REQUEST);
    const codeError = options.accessCodes && res.locals.t(options.accessCodes.error, { max });
    const num = res.locals.num as (n: number) => string;
    const thresholdError =
      options.resultsSettings &&
      res.locals.t(options.resultsSettings.error, {
        min: num(MIN_THRESHOLD),
        max: num(MAX_THRESHOLD),
      });
    const retentionError =
      options.retention && res.locals.t(options.retention.error, { max: num(MAX_RETENTION_DAYS) });
    const date = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
    res
      .status(options.problems || codeError || thresholdError || retentionError ? 400 : 200)
      .render('pages/admin/questionnaire', {
        q,
        responses: protectCount(q.responses),
        schedule: options.schedule ?? {
          opensAt: local(q.schedule.opensAt),
          closesAt: local(q.schedule.closesAt),
        },
        title: resolveText(q.latest.definition.title, lang, q.latest.definition.defaultLanguage),
        country: countryName(q.country, lang),
        translations: q.translations.map((t) => ({ ...t, name: nativeName(t.lang) })),
        canEdit: account.role !== 'analyst',
        isAdmin: account.role === 'admin',
        resultsSettings: {
          threshold: options.resultsSettings?.threshold ?? String(q.results.threshold),
          public: options.resultsSettings?.public ?? q.results.public,
          min: num(MIN_THRESHOLD),
          max: num(MAX_THRESHOLD),
          publicUrl: `/${q.latest.definition.defaultLanguage}/q/${q.slug}/results`,
          errors: thresholdError ? [{ field: 'threshold', text: thresholdError }] : [],
        },
        retention: {
          days:
            options.retention?.days ??
            (q.results.retentionDays === null ? '' : String(q.results.retentionDays)),
          current: q.results.retentionDays,
          deletedOn: q.answersDeletedAt && date.format(q.answersDeletedAt),
          dueOn:
            q.results.retentionDays !== null && q.closedAt && !q.answersDeletedAt
              ? date.format(new Date(q.closedAt.getTime() + q.results.retentionDays * 86_400_000))
              : null,
          max: num(MAX_RETENTION_DAYS),
          errors: retentionError ? [{ field: 'days', text: retentionError }] : [],
        },
        problems: options.problems,
        flags: options.flags ?? {},
        accessCodes: codes && {
          total: protectCount(codes.total),
          used: protectCount(codes.used),
          count: options.accessCodes?.count ?? '',
          max,
          errors: codeError ? [{ field: 'count', text: codeError }] : [],
        },
      });
  };
}
