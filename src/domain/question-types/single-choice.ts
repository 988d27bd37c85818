import { z } from 'zod';
import { optionSchema, questionBaseShape } from '../questionnaire/common.js';
import { textIn } from '../questionnaire/text.js';
import { duplicates } from './form.js';
import { parseOneOf } from './scale.js';
import type { QuestionType } from './types.js';
import { labelledList } from './editor.js';

export const singleChoiceSchema = z
  .object({
    ...questionBaseShape,
    type: z.literal('single-choice'),
    options: z.array(optionSchema).min(2).max(300),
    /** Long lists (e.g. regions, countries) may be shown as a select instead of radios. */
    display: z.enum(['radios', 'select']).default('radios'),
  })
  .strict();
export type SingleChoiceQuestion = z.infer<typeof singleChoiceSchema>;

export const singleChoice: QuestionType<SingleChoiceQuestion> = {
  schema: singleChoiceSchema,
  editor: [
    labelledList('options'),
    { kind: 'choice', name: 'display', values: ['radios', 'select'] },
  ],
  answerable: true,
  check: (q) =>
    duplicates(q.options.map((o) => o.key)).map((key) => ({
      path: ['options'],
      message: `option key "${key}" is used twice`,
      code: 'keyTwice',
      vars: { key },
    })),
  fields: (q) => [q.key],
  parse: (q, form) => parseOneOf(q, q.options, form),
  toForm: (q, answer) => ({ [q.key]: String(answer) }),
  store: (_q, answer) => [{ item: '', value: String(answer) }],
  summarise: (q, answer, lang) => [textIn(q.options.find((o) => o.key === answer)?.label, lang)],
  conditionValues: (_q, answer) => [String(answer)],
  conditionTarget: (q) => ({ items: null, values: q.options.map((o) => o.key) }),
  results: (q) => [{ item: '', values: q.options, multiple: false }],
};
