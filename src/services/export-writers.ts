import { PassThrough, pipeline, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import type { ExportSheet, ExportValue } from '../domain/results-export.js';
import { protectCell } from '../domain/spreadsheet-cells.js';

/**
 * Writers of exported tables as streams: rows go out as they are produced, so memory stays flat
 * whatever the number of rows. Texts in CSV and XLSX cells are made inert against formula
 * injection (question texts and labels are authored, hence untrusted); JSON keeps them exact.
 */

export const EXPORT_FORMATS = ['csv', 'xlsx', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
};

const inert = (row: ExportValue[]): ExportValue[] =>
  row.map((cell) => (typeof cell === 'string' ? protectCell(cell) : cell));

function* mapped<T, U>(items: Iterable<T>, f: (item: T) => U): Generator<U> {
  for (const item of items) yield f(item);
}

/** One sheet as CSV with a header line (UTF-8 with a byte-order mark, which Excel needs). */
export function csvStream(sheet: ExportSheet): Readable {
  return pipeline(
    Readable.from(mapped(sheet.rows, inert)),
    stringify({ bom: true, header: true, columns: sheet.columns }),
    // Errors reach the reader of the returned stream, which pipeline destroys with them.
    () => undefined,
  );
}

/** Sheets as one workbook, written by exceljs's streaming writer, row by row. */
export function xlsxStream(sheets: ExportSheet[]): Readable {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  void (async () => {
    for (const sheet of sheets) {
      const worksheet = workbook.addWorksheet(sheet.name);
      worksheet.addRow(sheet.columns).commit();
      for (const row of sheet.rows) worksheet.addRow(inert(row)).commit();
      worksheet.commit();
    }
    await workbook.commit();
  })().catch((error: unknown) => out.destroy(error as Error));
  return out;
}

/** Rows per chunk of a JSON stream: few enough for flat memory, enough to avoid tiny writes. */
const ROWS_PER_CHUNK = 200;

/**
 * A JSON object: the fields of `head` first, then one array of row objects per sheet, keyed by
 * the sheet's name, written chunk by chunk.
 */
export function jsonStream(head: Record<string, unknown>, sheets: ExportSheet[]): Readable {
  return Readable.from(
    (function* () {
      const fields = Object.entries(head).map(
        ([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`,
      );
      let separator = '{';
      for (const field of fields) {
        yield `${separator}${field}`;
        separator = ',';
      }
      for (const sheet of sheets) {
        yield `${separator}${JSON.stringify(sheet.name)}:[`;
        separator = ',';
        let chunk: string[] = [];
        let first = true;
        for (const row of sheet.rows) {
          const object = Object.fromEntries(sheet.columns.map((c, i) => [c, row[i] ?? null]));
          chunk.push(`${first ? '' : ','}${JSON.stringify(object)}`);
          first = false;
          if (chunk.length === ROWS_PER_CHUNK) {
            yield chunk.join('');
            chunk = [];
          }
        }
        yield `${chunk.join('')}]`;
      }
      yield separator === '{' ? '{}' : '}';
    })(),
    { objectMode: false },
  );
}
