import busboy from 'busboy';
import type { Request } from 'express';
import { badRequest, HttpError } from '../errors.js';

export const UPLOAD_LIMIT_BYTES = 2 * 1024 * 1024;

/**
 * Reads one uploaded file and the text fields of a multipart form, refusing anything larger than
 * the limit (413).
 */
export function readUpload(
  req: Request,
  field: string,
): Promise<{ file: Buffer; filename: string; fields: Record<string, string> }> {
  if (!req.is('multipart/form-data')) return Promise.reject(badRequest());
  return new Promise((resolve, reject) => {
    const parser = busboy({
      headers: req.headers,
      limits: { files: 1, fileSize: UPLOAD_LIMIT_BYTES, fields: 5, parts: 6 },
    });
    const chunks: Buffer[] = [];
    const fields: Record<string, string> = {};
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    let found = false;
    let filename = '';
    let failed: Error | undefined;
    parser.on('file', (name, stream, info) => {
      if (name !== field) {
        stream.resume();
        return;
      }
      found = true;
      filename = info.filename ?? '';
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        failed = new HttpError(413, 'tooLarge');
        stream.resume();
      });
    });
    parser.on('error', () => reject(badRequest()));
    parser.on('close', () => {
      if (failed) return reject(failed);
      if (!found) return reject(badRequest());
      resolve({ file: Buffer.concat(chunks), filename, fields });
    });
    req.pipe(parser);
  });
}
