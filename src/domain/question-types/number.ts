import { z } from 'zod';
import { keySchema, localizedTextSchema, questionBaseShape } from '../questionnaire/common.js';
import { textIn } from '../questionnaire/text.js';
import { bandCoverageProblems, bandFor } from '../banding.js';
import { isInvalid, single } from './form.js';
import { checkKeys } from './scale.js';
import type { QuestionType } from './types.js';

export const numberSchema = z
  .object({
    ...questionBaseShape,
    type: z.literal('number'),
    min: z.int(),
    max: z.int(),
    unit: localizedTextSchema.optional(),
    /** Only the band is stored: an age of 37 becomes "35–44". */
    bands: z
      .array(
        z
          .object({
            key: keySchema,
            min: z.int(),
            max: z.int(),
            label: localizedTextSchema.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(50),
  })
  .strict();
export type NumberQuestion = z.infer<typeof numberSchema>;

/** Digits as typed on Arabic and Persian keyboards read as ASCII digits. */
function westernDigits(value: string): string {
  return value
    .replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660))
    .replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0))
    .replace(/[\s\u00A0\u202F]/g, '');
}

export function bandLabel(
  band: NumberQuestion['bands'][number],
  lang: Parameters<typeof textIn>[1],
): string {
  return band.label
    ? textIn(band.label, lang)
    : band.min === band.max
      ? `${band.min}`
      : `${band.min}–${band.max}`;
}

export const number: QuestionType<NumberQuestion> = {
  schema: numberSchema,
  editor: [
    { kind: 'integer', name: 'min' },
    { kind: 'integer', name: 'max' },
    { kind: 'text', name: 'unit', optional: true },
    {
      kind: 'list',
      name: 'bands',
      item: [
        { kind: 'key', name: 'key' },
        { kind: 'integer', name: 'min' },
        { kind: 'integer', name: 'max' },
        { kind: 'text', name: 'label', optional: true },
      ],
    },
  ],
  answerable: true,
  check(q) {
    const issues = checkKeys(
      q.bands.map((b) => b.key),
      'bands',
    );
    if (q.min > q.max)
      issues.push({
        path: ['min'],
        message: 'min must not be greater than max',
        code: 'minAboveMax',
      });
    else
      issues.push(
        ...bandCoverageProblems(q.bands, q.min, q.max).map((problem) => ({
          path: ['bands'],
          ...problem,
        })),
      );
    return issues;
  },
  fields: (q) => [q.key],
  parse(q, form) {
    const value = single(form, q.key);
    const fail = (message: string) => ({
      answer: undefined,
      errors: [{ field: q.key, message, vars: { question: q.text, min: q.min, max: q.max } }],
    });
    if (value === undefined)
      return q.required ? fail('errors.required_number') : { answer: undefined, errors: [] };
    if (isInvalid(value)) return fail('errors.number_format');
    const digits = westernDigits(value);
    if (!/^-?\d{1,9}$/.test(digits)) return fail('errors.number_format');
    const n = Number(digits);
    if (n < q.min || n > q.max) return fail('errors.number_range');
    return { answer: n, errors: [] };
  },
  toForm: (q, answer) => ({ [q.key]: String(answer) }),
  store(q, answer) {
    const band = bandFor(q.bands, Number(answer));
    return band ? [{ item: '', value: band.key }] : [];
  },
  summarise: (_q, answer) => [String(answer)],
  conditionValues(q, answer) {
    const band = bandFor(q.bands, Number(answer));
    return band ? [band.key] : [];
  },
  conditionTarget: (q) => ({ items: null, values: q.bands.map((b) => b.key) }),
  results: (q) => [
    {
      item: '',
      values: q.bands.map((b) => ({
        key: b.key,
        label: b.label,
        text: `${b.min}–${b.max}`,
        range: { min: b.min, max: b.max },
      })),
      multiple: false,
    },
  ],
};
