import { z } from 'zod';
import { questionBaseShape } from '../questionnaire/common.js';
import type { QuestionType } from './types.js';

export const infoSchema = z
  .object({
    ...questionBaseShape,
    type: z.literal('info'),
    required: z.literal(false).default(false),
  })
  .strict();
export type InfoQuestion = z.infer<typeof infoSchema>;

/** A block of text between questions: nothing to answer, nothing stored. */
export const info: QuestionType<InfoQuestion> = {
  schema: infoSchema,
  editor: [],
  answerable: false,
  check: () => [],
  fields: () => [],
  parse: () => ({ answer: undefined, errors: [] }),
  toForm: () => ({}),
  store: () => [],
  summarise: () => [],
  conditionValues: () => [],
  conditionTarget: () => null,
  results: () => [],
};
