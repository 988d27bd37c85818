import { z } from 'zod';
import {
  keySchema,
  localizedTextSchema,
  optionSchema,
  questionBaseShape,
} from '../questionnaire/common.js';
import { textIn } from '../questionnaire/text.js';
import { asRecord, checkKeys, matrixField, parseMatrix } from './scale.js';
import type { QuestionType } from './types.js';

/** A GA4GH Data Use Ontology term, e.g. DUO:0000042 (general research use). */
const duoTermSchema = z.string().regex(/^DUO:\d{7}$/, 'must look like DUO:0000042');

export const consentMatrixSchema = z
  .object({
    ...questionBaseShape,
    type: z.literal('consent-matrix'),
    purposes: z
      .array(
        z
          .object({ key: keySchema, label: localizedTextSchema, duo: duoTermSchema.optional() })
          .strict(),
      )
      .min(1)
      .max(30),
    /** Consent choices, typically opt-in, opt-out, never and not sure. */
    choices: z.array(optionSchema).min(2).max(6),
  })
  .strict();
export type ConsentMatrixQuestion = z.infer<typeof consentMatrixSchema>;

export const consentMatrix: QuestionType<ConsentMatrixQuestion> = {
  schema: consentMatrixSchema,
  answerable: true,
  check: (q) => [
    ...checkKeys(
      q.purposes.map((p) => p.key),
      'purposes',
    ),
    ...checkKeys(
      q.choices.map((c) => c.key),
      'choices',
    ),
  ],
  fields: (q) => q.purposes.map((p) => matrixField(q.key, p.key)),
  parse: (q, form) => parseMatrix(q, q.purposes, q.choices, form),
  toForm: (q, answer) =>
    Object.fromEntries(
      Object.entries(asRecord(answer)).map(([row, v]) => [matrixField(q.key, row), v]),
    ),
  store: (_q, answer) => Object.entries(asRecord(answer)).map(([item, value]) => ({ item, value })),
  summarise(q, answer, lang) {
    const record = asRecord(answer);
    return q.purposes
      .filter((p) => record[p.key] !== undefined)
      .map((p) => {
        const choice = q.choices.find((c) => c.key === record[p.key]);
        return `${textIn(p.label, lang)}: ${textIn(choice?.label, lang)}`;
      });
  },
  conditionValues: (_q, answer, item) => {
    const value = item === undefined ? undefined : asRecord(answer)[item];
    return value === undefined ? [] : [value];
  },
  conditionTarget: (q) => ({
    items: q.purposes.map((p) => p.key),
    values: q.choices.map((c) => c.key),
  }),
};
