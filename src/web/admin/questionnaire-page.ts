import type { Response } from 'express';
import { countryName } from '../../domain/countries.js';
import { protectCount } from '../../domain/disclosure.js';
import { nativeName, type LanguageCode } from '../../domain/languages.js';
import { resolveText } from '../../domain/questionnaire/text.js';
import type { DefinitionError } from '../../domain/questionnaire/validate.js';
import { MAX_ACCESS_CODES_PER_REQUEST } from '../../services/access-codes.js';
import type { Deps } from '../../deps.js';
import { accountOf } from './access.js';

export interface QuestionnairePageOptions {
  problems?: { heading: string; errors: (DefinitionError & { translated?: boolean })[] };
  flags?: Record<string, boolean>;
  /** The schedule as typed, kept on the page when it was refused. */
  schedule?: { opensAt: string; closesAt: string };
  /** The number of access codes as typed, with the error key that refused it. */
  accessCodes?: { count: string; error: string };
}

/** Renders a questionnaire's page in the coordinator area (400 when something was refused). */
export function questionnairePage(deps: Deps) {
  return async (res: Response, slug: string, options: QuestionnairePageOptions = {}) => {
    const lang = res.locals.lang as LanguageCode;
    const account = accountOf(res);
    const q = await deps.coordination.get(account, slug);
    const codes = await deps.accessCodes.counts(account, slug);
    const local = (d: Date | null) => (d ? d.toISOString().slice(0, 16) : '');
    const max = (res.locals.num as (n: number) => string)(MAX_ACCESS_CODES_PER_REQUEST);
    const codeError = options.accessCodes && res.locals.t(options.accessCodes.error, { max });
    res.status(options.problems || codeError ? 400 : 200).render('pages/admin/questionnaire', {
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
