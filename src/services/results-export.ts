import type { Readable } from 'node:stream';
import type { Account } from '../db/accounts.js';
import type { AuditRepository } from '../db/audit.js';
import {
  aboutSheet,
  codebookSheet,
  codebookWithAbout,
  exportHeader,
  exportName,
  resultsSheet,
  type ExportHeader,
} from '../domain/results-export.js';
import {
  CONTENT_TYPES,
  csvStream,
  jsonStream,
  xlsxStream,
  type ExportFormat,
} from './export-writers.js';
import type { ResultsService } from './results.js';

/** Who exports: a signed-in account, or the command line, which reads like an administrator. */
export type Exporter = Account | 'command line';

const COMMAND_LINE_READER: Account = {
  id: '',
  email: '',
  role: 'admin',
  countries: [],
  disabled: false,
  hasPassword: false,
};

export interface ExportFile {
  filename: string;
  contentType: string;
  body: Readable;
}

/**
 * Exports of the protected results and of their codebook (DESIGN.md §2.7): the numbers are
 * those of the results service, the same as the results page; every export is audited before a
 * byte is written.
 */
export function resultsExportService(deps: { results: ResultsService; audit: AuditRepository }) {
  const readerOf = (exporter: Exporter) =>
    exporter === 'command line' ? COMMAND_LINE_READER : exporter;

  async function audit(
    exporter: Exporter,
    header: ExportHeader,
    content: 'results' | 'codebook',
    format: ExportFormat,
  ) {
    const byAccount = exporter !== 'command line';
    await deps.audit.record({
      actorId: byAccount ? exporter.id : undefined,
      actorEmail: byAccount ? exporter.email : undefined,
      action: 'results-export',
      target: header.questionnaire,
      details: {
        content,
        format,
        by: header.breakdown,
        version: header.version,
        ...(byAccount ? {} : { source: 'command line' }),
      },
    });
  }

  const file = (name: string, format: ExportFormat, body: Readable): ExportFile => ({
    filename: `${name}.${format}`,
    contentType: CONTENT_TYPES[format],
    body,
  });

  return {
    async results(
      exporter: Exporter,
      slug: string,
      format: ExportFormat,
      by = '',
    ): Promise<ExportFile> {
      const results = await deps.results.results(readerOf(exporter), slug, by);
      const header = exportHeader(results);
      await audit(exporter, header, 'results', format);
      const codebook = () => codebookSheet(results.definition, results.questions);
      const body =
        format === 'csv'
          ? csvStream(resultsSheet(results))
          : format === 'xlsx'
            ? xlsxStream([resultsSheet(results, false), codebook(), aboutSheet(header)])
            : jsonStream(
                {
                  questionnaire: header.questionnaire,
                  version: header.version,
                  breakdown: header.breakdown,
                  policy: results.policy,
                },
                [{ ...resultsSheet(results, false), name: 'rows' }],
              );
      return file(exportName(results.slug, 'results', by), format, body);
    },

    async codebook(exporter: Exporter, slug: string, format: ExportFormat): Promise<ExportFile> {
      const found = await deps.results.definition(readerOf(exporter), slug);
      const header: ExportHeader = {
        questionnaire: found.slug,
        version: found.version,
        breakdown: '',
        threshold: found.policy.threshold,
      };
      await audit(exporter, header, 'codebook', format);
      const codebook = codebookSheet(found.definition);
      const body =
        format === 'csv'
          ? csvStream(codebookWithAbout(codebook, header))
          : format === 'xlsx'
            ? xlsxStream([codebook, aboutSheet(header)])
            : jsonStream(
                {
                  questionnaire: found.slug,
                  version: found.version,
                  languages: found.definition.languages,
                },
                [codebook, aboutSheet(header)],
              );
      return file(exportName(found.slug, 'codebook'), format, body);
    },
  };
}

export type ResultsExportService = ReturnType<typeof resultsExportService>;
