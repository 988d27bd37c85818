import { z } from 'zod';
import { optionSchema, questionBaseShape, scaleSchema } from '../questionnaire/common.js';
import { checkKeys, matrixBehaviour, netScoreSpec, parseMatrix, scaleOptions } from './scale.js';
import type { QuestionType } from './types.js';
import { labelledList, scaleEditor } from './editor.js';

export const likertMatrixSchema = z
  .object({
    ...questionBaseShape,
    type: z.literal('likert-matrix'),
    rows: z.array(optionSchema).min(1).max(30),
    scale: scaleSchema,
  })
  .strict();
export type LikertMatrixQuestion = z.infer<typeof likertMatrixSchema>;

const matrix = matrixBehaviour<LikertMatrixQuestion>(
  (q) => q.rows,
  (q) => scaleOptions(q.scale),
);

/** Several statements on one scale, e.g. trust in doctors, hospitals, companies... */
export const likertMatrix: QuestionType<LikertMatrixQuestion> = {
  schema: likertMatrixSchema,
  editor: [labelledList('rows'), scaleEditor],
  answerable: true,
  check: (q) => [
    ...checkKeys(
      q.rows.map((r) => r.key),
      'rows',
    ),
    ...checkKeys(
      scaleOptions(q.scale).map((o) => o.key),
      'scale',
    ),
  ],
  parse: (q, form) => parseMatrix(q, q.rows, scaleOptions(q.scale), form),
  ...matrix,
  // One table per row, each with the net score of its answers.
  results: (q) => matrix.results(q).map((spec) => ({ ...spec, statistic: netScoreSpec(q.scale) })),
};
