import type { Request, Response } from 'express';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { isLanguageCode, nativeName, type LanguageCode } from '../../domain/languages.js';
import { protectCell, unprotectCell } from '../../domain/spreadsheet-cells.js';
import type { Deps } from '../../deps.js';
import { badRequest } from '../errors.js';
import { accountOf, type AdminRoute } from './access.js';
import { parseForm } from './forms.js';
import { readUpload } from './upload.js';

const exportForm = z.object({ _csrf: z.string(), lang: z.string().max(5) }).strict();
const HEADER = ['path', 'source', 'translation'];

function language(value: unknown): LanguageCode {
  const lang = String(value ?? '');
  if (!isLanguageCode(lang)) throw badRequest();
  return lang;
}

/** Reads a translator's CSV: a header row, then path, source text, translation. */
function readCsv(file: Buffer): { path: string; text: string }[] {
  let records: string[][];
  try {
    records = parse(file.toString('utf8').replace(/^\uFEFF/, ''), {
      relax_column_count: true,
      skip_empty_lines: true,
      max_record_size: 100_000,
    }) as string[][];
  } catch {
    throw badRequest();
  }
  const [header, ...rows] = records;
  if (!header || header[0]?.trim() !== 'path') throw badRequest();
  return rows.map((row) => ({
    path: String(row[0] ?? '').trim(),
    text: unprotectCell(String(row[2] ?? '')),
  }));
}

/** The translators' round trip: a CSV per language out, the same CSV back in with a report. */
export function translationRoutes(deps: Deps): AdminRoute[] {
  const slugOf = (req: Request) => String(req.params.slug);

  async function renderImport(res: Response, slug: string, report?: object) {
    const q = await deps.coordination.get(accountOf(res), slug);
    res.render('pages/admin/translations-import', {
      q,
      languages: q.latest.definition.languages.map((code) => ({ code, name: nativeName(code) })),
      report,
    });
  }

  return [
    {
      method: 'post',
      path: '/questionnaires/:slug/translations/export',
      access: 'signed-in',
      handler: async (req, res) => {
        const form = parseForm(exportForm, req.body);
        const lang = language(form.lang);
        const { rows } = await deps.coordination.translationRows(accountOf(res), slugOf(req), lang);
        const csv = stringify([
          HEADER,
          ...rows.map((r) => [r.path, protectCell(r.source), protectCell(r.target)]),
        ]);
        res
          .attachment(`${slugOf(req)}-${lang}.csv`)
          .type('text/csv; charset=utf-8')
          .send(`\uFEFF${csv}`);
      },
    },
    {
      method: 'get',
      path: '/questionnaires/:slug/translations/import',
      access: 'editor',
      handler: (req, res) => renderImport(res, slugOf(req)),
    },
    {
      method: 'post',
      path: '/questionnaires/:slug/translations/import',
      access: 'editor',
      handler: async (req, res) => {
        await deps.coordination.get(accountOf(res), slugOf(req)); // 404 before reading any upload
        const { file, fields } = await readUpload(req, 'translations');
        const lang = language(fields.lang);
        const result = await deps.coordination.importTranslations(
          accountOf(res),
          slugOf(req),
          lang,
          readCsv(file),
        );
        const saved = result.saved;
        res.status(saved && !saved.ok ? 400 : 200);
        await renderImport(res, slugOf(req), {
          language: nativeName(lang),
          changed: result.changed,
          unchanged: result.unchanged,
          unknown: result.unknown,
          version: saved?.ok ? saved.version : undefined,
          errors: saved && !saved.ok ? saved.errors : [],
        });
      },
    },
  ];
}
