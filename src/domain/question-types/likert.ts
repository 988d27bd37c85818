import { z } from 'zod';
import { questionBaseShape, scaleSchema } from '../questionnaire/common.js';
import { textIn } from '../questionnaire/text.js';
import { isInvalid, single } from './form.js';
import { checkKeys, scaleOptions } from './scale.js';
import type { QuestionType } from './types.js';

export const likertSchema = z
  .object({ ...questionBaseShape, type: z.literal('likert'), scale: scaleSchema })
  .strict();
export type LikertQuestion = z.infer<typeof likertSchema>;

export const likert: QuestionType<LikertQuestion> = {
  schema: likertSchema,
  answerable: true,
  check: (q) =>
    checkKeys(
      scaleOptions(q.scale).map((o) => o.key),
      'scale',
    ),
  fields: (q) => [q.key],
  parse(q, form) {
    const value = single(form, q.key);
    if (value === undefined) {
      return q.required
        ? {
            answer: undefined,
            errors: [
              { field: q.key, message: 'errors.required_choice', vars: { question: q.text } },
            ],
          }
        : { answer: undefined, errors: [] };
    }
    if (isInvalid(value) || !scaleOptions(q.scale).some((o) => o.key === value)) {
      return {
        answer: undefined,
        errors: [{ field: q.key, message: 'errors.invalid_option', vars: { question: q.text } }],
      };
    }
    return { answer: value, errors: [] };
  },
  toForm: (q, answer) => ({ [q.key]: String(answer) }),
  store: (_q, answer) => [{ item: '', value: String(answer) }],
  summarise: (q, answer, lang) => [
    textIn(scaleOptions(q.scale).find((o) => o.key === answer)?.label, lang),
  ],
  conditionValues: (_q, answer) => [String(answer)],
  conditionTarget: (q) => ({ items: null, values: scaleOptions(q.scale).map((o) => o.key) }),
};
