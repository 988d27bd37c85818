import { z } from 'zod';
import { keySchema, localizedTextSchema, questionBaseShape } from '../questionnaire/common.js';
import { textIn } from '../questionnaire/text.js';
import { duplicates, many } from './form.js';
import type { FieldError, QuestionType, SemanticIssue } from './types.js';
import { labelledList } from './editor.js';

export const multiChoiceSchema = z
  .object({
    ...questionBaseShape,
    type: z.literal('multi-choice'),
    options: z
      .array(
        z
          .object({
            key: keySchema,
            label: localizedTextSchema,
            /** "None of these": cannot be combined with any other option. */
            exclusive: z.boolean().default(false),
          })
          .strict(),
      )
      .min(2)
      .max(100),
    min: z.int().min(1).optional(),
    max: z.int().min(1).optional(),
  })
  .strict();
export type MultiChoiceQuestion = z.infer<typeof multiChoiceSchema>;

function asList(answer: unknown): string[] {
  return Array.isArray(answer) ? answer.map(String) : [];
}

export const multiChoice: QuestionType<MultiChoiceQuestion> = {
  schema: multiChoiceSchema,
  editor: [
    labelledList('options', [{ kind: 'flag', name: 'exclusive' }]),
    { kind: 'integer', name: 'min', optional: true },
    { kind: 'integer', name: 'max', optional: true },
  ],
  answerable: true,
  check(q) {
    const issues: SemanticIssue[] = duplicates(q.options.map((o) => o.key)).map((key) => ({
      path: ['options'],
      message: `option key "${key}" is used twice`,
      code: 'keyTwice',
      vars: { key },
    }));
    if (q.min !== undefined && q.max !== undefined && q.min > q.max) {
      issues.push({
        path: ['min'],
        message: 'min must not be greater than max',
        code: 'minAboveMax',
      });
    }
    if (q.max !== undefined && q.max > q.options.length) {
      issues.push({
        path: ['max'],
        message: 'max must not exceed the number of options',
        code: 'maxAboveOptions',
      });
    }
    return issues;
  },
  fields: (q) => [q.key],
  parse(q, form) {
    const chosen = [...new Set(many(form, q.key))];
    const error = (message: string, vars: FieldError['vars'] = {}) => ({
      answer: undefined,
      errors: [{ field: q.key, message, vars: { question: q.text, ...vars } }],
    });
    if (chosen.length === 0) {
      return q.required ? error('errors.required_multi') : { answer: undefined, errors: [] };
    }
    if (chosen.some((key) => !q.options.some((o) => o.key === key)))
      return error('errors.invalid_option');
    const exclusive = q.options.find((o) => o.exclusive && chosen.includes(o.key));
    if (exclusive && chosen.length > 1)
      return error('errors.multi_exclusive', { option: exclusive.label });
    if (!exclusive && q.min !== undefined && chosen.length < q.min)
      return error('errors.multi_min', { min: q.min });
    if (q.max !== undefined && chosen.length > q.max)
      return error('errors.multi_max', { max: q.max });
    const order = q.options.map((o) => o.key);
    return { answer: chosen.sort((a, b) => order.indexOf(a) - order.indexOf(b)), errors: [] };
  },
  toForm: (q, answer) => ({ [q.key]: asList(answer) }),
  store: (_q, answer) => asList(answer).map((value) => ({ item: '', value })),
  summarise: (q, answer, lang) =>
    asList(answer).map((key) => textIn(q.options.find((o) => o.key === key)?.label, lang)),
  conditionValues: (_q, answer) => asList(answer),
  conditionTarget: (q) => ({ items: null, values: q.options.map((o) => o.key) }),
  results: (q) => [{ item: '', values: q.options, multiple: true }],
};
