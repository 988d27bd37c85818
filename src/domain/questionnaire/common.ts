import { z } from 'zod';
import { LANGUAGE_CODES } from '../languages.js';

/** Stable machine key of a question, option, row or section: used in exports, never translated. */
export const keySchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,62}$/,
    'must be lower-case letters, digits or _, starting with a letter',
  );

export const languageSchema = z.enum(LANGUAGE_CODES);

/** A human-readable text: one string per language code. */
export const localizedTextSchema = z
  .partialRecord(languageSchema, z.string().trim().min(1).max(5000))
  .refine((value) => Object.keys(value).length > 0, 'must contain at least one language');

export type LocalizedText = z.infer<typeof localizedTextSchema>;

export const optionSchema = z
  .object({
    key: keySchema,
    label: localizedTextSchema,
  })
  .strict();
export type Option = z.infer<typeof optionSchema>;

/**
 * Show a question only when an earlier answer matches. For matrices, `item` names the row or
 * purpose; for numbers, values are band keys.
 */
export const conditionSchema = z
  .object({
    question: keySchema,
    item: keySchema.optional(),
    anyOf: z.array(keySchema).min(1).optional(),
    noneOf: z.array(keySchema).min(1).optional(),
  })
  .strict()
  .refine((c) => (c.anyOf === undefined) !== (c.noneOf === undefined), {
    message: 'needs exactly one of anyOf or noneOf',
  });
export type Condition = z.infer<typeof conditionSchema>;

export const questionBaseShape = {
  key: keySchema,
  text: localizedTextSchema,
  help: localizedTextSchema.optional(),
  required: z.boolean().default(false),
  condition: conditionSchema.optional(),
  dimension: z.boolean().default(false),
};

export const scaleSchema = z
  .object({
    points: z.array(optionSchema).min(2).max(11),
    dontKnow: optionSchema.optional(),
  })
  .strict();
export type Scale = z.infer<typeof scaleSchema>;
