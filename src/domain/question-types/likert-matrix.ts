import { z } from 'zod';
import { optionSchema, questionBaseShape, scaleSchema } from '../questionnaire/common.js';
import { textIn } from '../questionnaire/text.js';
import { asRecord, checkKeys, matrixField, parseMatrix, scaleOptions } from './scale.js';
import type { QuestionType } from './types.js';

export const likertMatrixSchema = z
  .object({
    ...questionBaseShape,
    type: z.literal('likert-matrix'),
    rows: z.array(optionSchema).min(1).max(30),
    scale: scaleSchema,
  })
  .strict();
export type LikertMatrixQuestion = z.infer<typeof likertMatrixSchema>;

export const likertMatrix: QuestionType<LikertMatrixQuestion> = {
  schema: likertMatrixSchema,
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
  fields: (q) => q.rows.map((r) => matrixField(q.key, r.key)),
  parse: (q, form) => parseMatrix(q, q.rows, scaleOptions(q.scale), form),
  toForm: (q, answer) =>
    Object.fromEntries(
      Object.entries(asRecord(answer)).map(([row, v]) => [matrixField(q.key, row), v]),
    ),
  store: (_q, answer) => Object.entries(asRecord(answer)).map(([item, value]) => ({ item, value })),
  summarise(q, answer, lang) {
    const record = asRecord(answer);
    return q.rows
      .filter((row) => record[row.key] !== undefined)
      .map((row) => {
        const point = scaleOptions(q.scale).find((o) => o.key === record[row.key]);
        return `${textIn(row.label, lang)}: ${textIn(point?.label, lang)}`;
      });
  },
  conditionValues: (_q, answer, item) => {
    const value = item === undefined ? undefined : asRecord(answer)[item];
    return value === undefined ? [] : [value];
  },
  conditionTarget: (q) => ({
    items: q.rows.map((r) => r.key),
    values: scaleOptions(q.scale).map((o) => o.key),
  }),
};
