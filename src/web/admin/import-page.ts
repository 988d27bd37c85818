import type { Response } from 'express';
import { COUNTRIES, countryName } from '../../domain/countries.js';
import type { LanguageCode } from '../../domain/languages.js';
import type { DefinitionError } from '../../domain/questionnaire/validate.js';
import { accountOf } from './access.js';

export type Values = { country: string; purpose: string; organiser: string };
export type FieldError = { field: string; text: string };

/** What the XLSForm half of the import page shows: typed values, problems, the report. */
export interface XlsFormState {
  values: Values;
  fieldErrors: FieldError[];
  definitionErrors: DefinitionError[];
  report: { sheet: string; row: number; text: string }[];
}

/** The countries an account may import for: all of them for administrators. */
export function countriesOf(res: Response): string[] {
  const account = accountOf(res);
  return account.role === 'admin' ? [...COUNTRIES] : account.countries;
}

/** The import page (JSON and XLSForm forms); 400 when either has problems to show. */
export function renderImport(
  res: Response,
  options: { errors?: DefinitionError[]; xlsform?: Partial<XlsFormState> } = {},
) {
  const lang = res.locals.lang as LanguageCode;
  const allowed = countriesOf(res);
  const xlsform: XlsFormState = {
    values: {
      country: allowed.length === 1 ? (allowed[0] as string) : '',
      purpose: '',
      organiser: '',
    },
    fieldErrors: [],
    definitionErrors: [],
    report: [],
    ...options.xlsform,
  };
  const errors = options.errors ?? [];
  const failed = errors.length + xlsform.fieldErrors.length + xlsform.definitionErrors.length > 0;
  res.status(failed ? 400 : 200).render('pages/admin/import', {
    errors,
    xlsform,
    countries: allowed
      .map((code) => ({ code, name: countryName(code, lang) }))
      .sort((a, b) => a.name.localeCompare(b.name, lang)),
  });
}
