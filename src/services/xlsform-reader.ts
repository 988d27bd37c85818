import type { Readable } from 'node:stream';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import type { SheetRow, XlsFormSheets } from '../domain/xlsform/sheets.js';

/** Bounds on what a spreadsheet may hold before it is parsed; a real XLSForm is far below them. */
export const XLSFORM_LIMITS = {
  entries: 200,
  uncompressedBytes: 30 * 1024 * 1024,
  rows: 5000,
  columns: 300,
};

/** The file cannot be read as an XLSForm; `messageKey` says why, for the coordinator. */
export class XlsFormFileError extends Error {
  constructor(
    readonly messageKey: string,
    readonly vars: Record<string, string | number> = {},
  ) {
    super(messageKey);
  }
}

const MB = 1024 * 1024;

/** The size jszip read from the zip's central directory; it keeps it outside its typed API. */
function declaredSize(entry: JSZip.JSZipObject): number {
  const size = (entry as unknown as { _data?: { uncompressedSize?: unknown } })._data
    ?.uncompressedSize;
  return typeof size === 'number' ? size : 0;
}

/** Inflates an entry only as far as the budget allows: declared sizes may lie. */
function inflatedSize(entry: JSZip.JSZipObject, budget: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const stream = entry.nodeStream('nodebuffer') as Readable;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > budget) {
        stream.removeAllListeners('data');
        stream.destroy();
        resolve(size);
      }
    });
    stream.on('end', () => resolve(size));
    stream.on('error', reject);
  });
}

/**
 * Refuses what is not a zip, or a zip with too many entries or too much content once inflated
 * (a zip bomb), before exceljs reads anything.
 */
async function inspectZip(file: Buffer): Promise<void> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(file);
  } catch {
    throw new XlsFormFileError('notXlsx');
  }
  const entries = Object.values(zip.files).filter((e) => !e.dir);
  if (entries.length > XLSFORM_LIMITS.entries)
    throw new XlsFormFileError('tooManyEntries', { max: XLSFORM_LIMITS.entries });
  const tooLarge = new XlsFormFileError('tooLargeInflated', {
    max: XLSFORM_LIMITS.uncompressedBytes / MB,
  });
  const declared = entries.reduce((sum, e) => sum + declaredSize(e), 0);
  if (declared > XLSFORM_LIMITS.uncompressedBytes) throw tooLarge;
  let left = XLSFORM_LIMITS.uncompressedBytes;
  for (const entry of entries) {
    try {
      left -= await inflatedSize(entry, left);
    } catch {
      throw new XlsFormFileError('notXlsx');
    }
    if (left < 0) throw tooLarge;
  }
}

function sheetRows(sheet: ExcelJS.Worksheet | undefined, name: string): SheetRow[] {
  if (!sheet) return [];
  if (sheet.actualRowCount > XLSFORM_LIMITS.rows)
    throw new XlsFormFileError('tooManyRows', { sheet: name, max: XLSFORM_LIMITS.rows });
  if (sheet.actualColumnCount > XLSFORM_LIMITS.columns)
    throw new XlsFormFileError('tooManyColumns', { sheet: name, max: XLSFORM_LIMITS.columns });
  let headers: Map<number, string> | undefined;
  const rows: SheetRow[] = [];
  sheet.eachRow((row, rowNumber) => {
    if (!headers) {
      headers = new Map();
      row.eachCell((c, column) => {
        const text = c.text.trim();
        if (text) headers?.set(column, text);
      });
      return;
    }
    const cells: Record<string, string> = {};
    row.eachCell((c, column) => {
      const header = headers?.get(column);
      const text = c.text.trim();
      if (header && text) cells[header] = text;
    });
    if (Object.keys(cells).length > 0) rows.push({ row: rowNumber, cells });
  });
  return rows;
}

/**
 * Reads the survey, choices and settings sheets of an .xlsx as rows of text (rich text, numbers,
 * booleans and formula results as shown in the spreadsheet).
 */
export async function readXlsForm(file: Buffer): Promise<XlsFormSheets> {
  await inspectZip(file);
  const workbook = new ExcelJS.Workbook();
  try {
    // exceljs's types predate Buffer<ArrayBufferLike>; it reads any Node.js Buffer.
    await workbook.xlsx.load(file as unknown as ExcelJS.Buffer);
  } catch {
    throw new XlsFormFileError('notXlsx');
  }
  const find = (name: string) =>
    workbook.worksheets.find((s) => s.name.trim().toLowerCase() === name);
  const survey = find('survey');
  if (!survey) throw new XlsFormFileError('noSurvey');
  return {
    survey: sheetRows(survey, 'survey'),
    choices: sheetRows(find('choices'), 'choices'),
    settings: sheetRows(find('settings'), 'settings'),
  };
}
