import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { EXPORT_FORMATS } from '../../services/export-writers.js';
import type { ExportFile } from '../../services/results-export.js';
import { badRequest } from '../errors.js';
import { accountOf, type AdminRoute } from './access.js';

const exportQuery = z
  .object({ format: z.enum(EXPORT_FORMATS), by: z.string().max(70).optional() })
  .strict();
const codebookQuery = z.object({ format: z.enum(EXPORT_FORMATS) }).strict();

/** Streams an export as a download; the admin router already forbids caching it. */
async function send(res: Response, file: ExportFile) {
  res.attachment(file.filename).type(file.contentType).set('Cache-Control', 'no-store');
  await pipeline(file.body, res);
}

/** Downloads of the protected results and their codebook, as CSV, XLSX or JSON. */
export function resultExportRoutes(deps: Deps): AdminRoute[] {
  return [
    {
      method: 'get',
      path: '/questionnaires/:slug/results/export',
      access: 'signed-in',
      handler: async (req, res) => {
        const query = exportQuery.safeParse(req.query);
        if (!query.success) throw badRequest();
        const { format, by = '' } = query.data;
        await send(
          res,
          await deps.resultsExport.results(accountOf(res), String(req.params.slug), format, by),
        );
      },
    },
    {
      method: 'get',
      path: '/questionnaires/:slug/results/codebook',
      access: 'signed-in',
      handler: async (req, res) => {
        const query = codebookQuery.safeParse(req.query);
        if (!query.success) throw badRequest();
        await send(
          res,
          await deps.resultsExport.codebook(
            accountOf(res),
            String(req.params.slug),
            query.data.format,
          ),
        );
      },
    },
  ];
}
