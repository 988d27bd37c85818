import { z } from 'zod';
import {
  keySchema,
  localizedTextSchema,
  optionSchema,
  questionBaseShape,
} from '../questionnaire/common.js';
import { checkKeys, matrixBehaviour, parseMatrix } from './scale.js';
import type { QuestionType } from './types.js';
import { labelledList } from './editor.js';

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

const matrix = matrixBehaviour<ConsentMatrixQuestion>(
  (q) => q.purposes,
  (q) => q.choices,
);

/** Rows are purposes of data use, columns are consent choices: one choice per purpose. */
export const consentMatrix: QuestionType<ConsentMatrixQuestion> = {
  schema: consentMatrixSchema,
  editor: [
    labelledList('purposes', [{ kind: 'key', name: 'duo', optional: true }]),
    labelledList('choices'),
  ],
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
  parse: (q, form) => parseMatrix(q, q.purposes, q.choices, form),
  ...matrix,
  results: (q) => matrix.results(q).map((spec, i) => ({ ...spec, duo: q.purposes[i]?.duo })),
};
