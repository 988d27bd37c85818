import { z } from 'zod';
import { optionSchema, questionBaseShape } from '../questionnaire/common.js';
import { textIn } from '../questionnaire/text.js';
import { isInvalid, single } from './form.js';
import { checkKeys, matrixField } from './scale.js';
import type { QuestionType } from './types.js';
import { labelledList } from './editor.js';

export const rankingSchema = z
  .object({
    ...questionBaseShape,
    type: z.literal('ranking'),
    options: z.array(optionSchema).min(2).max(10),
  })
  .strict();
export type RankingQuestion = z.infer<typeof rankingSchema>;

function ranks(answer: unknown): Record<string, number> {
  return typeof answer === 'object' && answer !== null && !Array.isArray(answer)
    ? (answer as Record<string, number>)
    : {};
}

/**
 * Each option gets a rank from 1 to n through a select (works without JavaScript). Either every
 * option is ranked with distinct ranks, or — when the question is optional — none is.
 */
export const ranking: QuestionType<RankingQuestion> = {
  schema: rankingSchema,
  editor: [labelledList('options')],
  answerable: true,
  check: (q) =>
    checkKeys(
      q.options.map((o) => o.key),
      'options',
    ),
  fields: (q) => q.options.map((o) => matrixField(q.key, o.key)),
  parse(q, form) {
    const firstField = matrixField(q.key, (q.options[0] as { key: string }).key);
    const fail = (message: string) => ({
      answer: undefined,
      errors: [{ field: firstField, message, vars: { question: q.text } }],
    });
    const answer: Record<string, number> = {};
    for (const option of q.options) {
      const value = single(form, matrixField(q.key, option.key));
      if (value === undefined) continue;
      if (isInvalid(value) || !/^\d{1,2}$/.test(value)) return fail('errors.invalid_option');
      const rank = Number(value);
      if (rank < 1 || rank > q.options.length) return fail('errors.invalid_option');
      answer[option.key] = rank;
    }
    const given = Object.values(answer);
    if (given.length === 0)
      return q.required ? fail('errors.ranking_incomplete') : { answer: undefined, errors: [] };
    if (given.length < q.options.length) return fail('errors.ranking_incomplete');
    if (new Set(given).size !== given.length) return fail('errors.ranking_duplicate');
    return { answer, errors: [] };
  },
  toForm: (q, answer) =>
    Object.fromEntries(
      Object.entries(ranks(answer)).map(([key, rank]) => [matrixField(q.key, key), String(rank)]),
    ),
  store: (_q, answer) =>
    Object.entries(ranks(answer)).map(([item, rank]) => ({ item, value: String(rank) })),
  summarise(q, answer, lang) {
    const given = ranks(answer);
    return [...q.options]
      .filter((o) => given[o.key] !== undefined)
      .sort((a, b) => (given[a.key] as number) - (given[b.key] as number))
      .map((o) => `${given[o.key]}. ${textIn(o.label, lang)}`);
  },
  conditionValues: () => [],
  conditionTarget: () => null,
  // One table per option: how many put it first, second..., and its mean rank.
  results: (q) =>
    q.options.map((option) => ({
      item: option.key,
      label: option.label,
      values: q.options.map((_o, i) => ({ key: String(i + 1), text: String(i + 1) })),
      multiple: false,
      statistic: { kind: 'mean-rank' },
    })),
};
