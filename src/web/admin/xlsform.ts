import type { Response } from 'express';
import { z } from 'zod';
import type { ReportItem } from '../../domain/xlsform/sheets.js';
import type { Deps } from '../../deps.js';
import { XlsFormFileError } from '../../services/xlsform-reader.js';
import { accountOf, type AdminRoute } from './access.js';
import { parseForm } from './forms.js';
import { countriesOf, renderImport, type FieldError, type Values } from './import-page.js';
import { readUpload } from './upload.js';

const TEXT_MAX = 5000;
const field = z
  .string()
  .max(4 * TEXT_MAX)
  .refine((v) => !v.includes('\u0000'))
  .default('');
const xlsformForm = z.object({ country: field, purpose: field, organiser: field }).strict();

function reportRows(res: Response, report: ReportItem[]) {
  return report.map((item) => ({
    sheet: item.sheet,
    row: item.row,
    text: res.locals.t(`admin.xlsform.report.${item.messageKey}`, item.vars) as string,
  }));
}

function checkForm(res: Response, values: Values, file: Buffer): FieldError[] {
  const t = (key: string, vars?: Record<string, number>) =>
    res.locals.t(`admin.xlsform.errors.${key}`, vars) as string;
  const errors: FieldError[] = [];
  if (file.length === 0) errors.push({ field: 'spreadsheet', text: t('fileMissing') });
  if (!countriesOf(res).includes(values.country))
    errors.push({ field: 'country', text: t('countryMissing') });
  for (const name of ['purpose', 'organiser'] as const) {
    if (values[name] === '') errors.push({ field: name, text: t(`${name}Missing`) });
    else if (values[name].length > TEXT_MAX)
      errors.push({ field: name, text: t('textTooLong', { max: TEXT_MAX }) });
  }
  return errors;
}

/** Import of an XLSForm spreadsheet (ODK, KoboToolbox) as a draft, with a report of what changed. */
export function xlsformRoutes(deps: Deps): AdminRoute[] {
  return [
    {
      method: 'post',
      path: '/questionnaires/import-xlsform',
      access: 'editor',
      handler: async (req, res) => {
        const { file, filename, fields } = await readUpload(req, 'spreadsheet');
        const form = parseForm(xlsformForm, fields);
        const values = {
          country: form.country,
          purpose: form.purpose.trim(),
          organiser: form.organiser.trim(),
        };
        const fieldErrors = checkForm(res, values, file);
        if (fieldErrors.length > 0) return renderImport(res, { xlsform: { values, fieldErrors } });
        let result;
        try {
          result = await deps.xlsformImport.importDraft(accountOf(res), file, {
            ...values,
            fallbackSlug: filename.replace(/\.[^.]*$/, ''),
          });
        } catch (error) {
          if (!(error instanceof XlsFormFileError)) throw error;
          const text = res.locals.t(`admin.xlsform.errors.${error.messageKey}`, error.vars);
          return renderImport(res, {
            xlsform: { values, fieldErrors: [{ field: 'spreadsheet', text }] },
          });
        }
        const report = reportRows(res, result.report);
        if (!result.ok)
          return renderImport(res, {
            xlsform: { values, definitionErrors: result.errors, report },
          });
        res.render('pages/admin/xlsform-imported', {
          slug: result.slug,
          version: result.version,
          report,
        });
      },
    },
  ];
}
