import { z } from 'zod';
import { questionBaseShape } from '../questionnaire/common.js';
import { redact, redactedLength } from '../redaction.js';
import { isInvalid, single } from './form.js';
import type { QuestionType } from './types.js';

export const textSchema = z
  .object({
    ...questionBaseShape,
    type: z.literal('text'),
    multiline: z.boolean().default(false),
    maxLength: z.int().min(1).max(5000).default(500),
  })
  .strict();
export type TextQuestion = z.infer<typeof textSchema>;

/** Free text, redacted as it is read: what is kept, even in a draft, never holds contact details. */
export const text: QuestionType<TextQuestion> = {
  schema: textSchema,
  editor: [
    { kind: 'flag', name: 'multiline' },
    { kind: 'integer', name: 'maxLength' },
  ],
  answerable: true,
  check: () => [],
  fields: (q) => [q.key],
  parse(q, form) {
    const value = single(form, q.key);
    const fail = (message: string) => ({
      answer: undefined,
      errors: [{ field: q.key, message, vars: { question: q.text, max: q.maxLength } }],
    });
    if (value === undefined)
      return q.required ? fail('errors.required_text') : { answer: undefined, errors: [] };
    if (isInvalid(value)) return fail('errors.invalid_input');
    const redacted = redact(value.replace(/\r\n/g, '\n'));
    if (redactedLength(redacted) > q.maxLength) return fail('errors.text_too_long');
    return { answer: redacted, errors: [] };
  },
  toForm: (q, answer) => ({ [q.key]: String(answer) }),
  store: (_q, answer) => [{ item: '', value: String(answer), freeText: true }],
  summarise: (_q, answer) => [String(answer)],
  conditionValues: () => [],
  conditionTarget: () => null,
  results: () => [],
};
