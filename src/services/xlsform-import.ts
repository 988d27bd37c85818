import type { Account } from '../db/accounts.js';
import { convertXlsForm, type XlsFormExtras } from '../domain/xlsform/convert.js';
import type { ReportItem } from '../domain/xlsform/sheets.js';
import type { CoordinationService, SaveResult } from './coordination.js';
import { readXlsForm } from './xlsform-reader.js';

export type XlsFormImportResult = SaveResult & { report: ReportItem[] };

/**
 * Imports an XLSForm spreadsheet as a draft: read (refusing hostile files with XlsFormFileError),
 * convert, then validate and save like a JSON definition. The report goes back to the coordinator.
 */
export function xlsformImportService(deps: { coordination: CoordinationService }) {
  return {
    async importDraft(
      account: Account,
      file: Buffer,
      extras: XlsFormExtras,
    ): Promise<XlsFormImportResult> {
      const { definition, report, version } = convertXlsForm(await readXlsForm(file), extras);
      const saved = await deps.coordination.importDraft(account, definition, {
        format: 'xlsform',
        formVersion: version,
        reported: report.length,
      });
      return { ...saved, report };
    },
  };
}

export type XlsFormImportService = ReturnType<typeof xlsformImportService>;
