import { z } from 'zod';
import { questionBaseShape, scaleSchema } from '../questionnaire/common.js';
import { textIn } from '../questionnaire/text.js';
import { checkKeys, netScoreSpec, parseOneOf, scaleOptions } from './scale.js';
import type { QuestionType } from './types.js';
import { scaleEditor } from './editor.js';

export const likertSchema = z
  .object({ ...questionBaseShape, type: z.literal('likert'), scale: scaleSchema })
  .strict();
export type LikertQuestion = z.infer<typeof likertSchema>;

/** One statement on an n-point scale, with an optional "don't know". */
export const likert: QuestionType<LikertQuestion> = {
  schema: likertSchema,
  editor: [scaleEditor],
  answerable: true,
  check: (q) =>
    checkKeys(
      scaleOptions(q.scale).map((o) => o.key),
      'scale',
    ),
  fields: (q) => [q.key],
  parse: (q, form) => parseOneOf(q, scaleOptions(q.scale), form),
  toForm: (q, answer) => ({ [q.key]: String(answer) }),
  store: (_q, answer) => [{ item: '', value: String(answer) }],
  summarise: (q, answer, lang) => [
    textIn(scaleOptions(q.scale).find((o) => o.key === answer)?.label, lang),
  ],
  conditionValues: (_q, answer) => [String(answer)],
  conditionTarget: (q) => ({ items: null, values: scaleOptions(q.scale).map((o) => o.key) }),
  results: (q) => [
    { item: '', values: scaleOptions(q.scale), multiple: false, statistic: netScoreSpec(q.scale) },
  ],
};
