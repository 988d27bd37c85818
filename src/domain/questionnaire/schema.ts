import { z } from 'zod';
import { keySchema, languageSchema, localizedTextSchema } from './common.js';
import { questionSchema } from '../question-types/registry-schema.js';

export const sectionSchema = z
  .object({
    key: keySchema,
    title: localizedTextSchema,
    intro: localizedTextSchema.optional(),
    questions: z.array(questionSchema).min(1).max(100),
  })
  .strict();

export const questionnaireSchema = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(1),
    slug: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'must be lower-case letters, digits and dashes'),
    country: z.string().regex(/^([A-Z]{2}|EU)$/, 'must be an ISO 3166-1 alpha-2 code or EU'),
    languages: z.array(languageSchema).min(1),
    defaultLanguage: languageSchema,
    mode: z.enum(['open', 'access-code']).default('open'),
    title: localizedTextSchema,
    purpose: localizedTextSchema,
    organiser: localizedTextSchema,
    contact: localizedTextSchema.optional(),
    sections: z.array(sectionSchema).min(1).max(50),
  })
  .strict();

/**
 * A working draft may still be empty: a questionnaire being built has no sections yet, a new
 * section no questions. Publishing uses the full schema.
 */
export const draftQuestionnaireSchema = questionnaireSchema.extend({
  sections: z.array(sectionSchema.extend({ questions: z.array(questionSchema).max(100) })).max(50),
});

export type Questionnaire = z.infer<typeof questionnaireSchema>;
export type QuestionnaireInput = z.input<typeof questionnaireSchema>;
export type Section = z.infer<typeof sectionSchema>;
