import { z } from 'zod';
import { consentMatrixSchema } from './consent-matrix.js';
import { infoSchema } from './info.js';
import { likertMatrixSchema } from './likert-matrix.js';
import { likertSchema } from './likert.js';
import { multiChoiceSchema } from './multi-choice.js';
import { numberSchema } from './number.js';
import { rankingSchema } from './ranking.js';
import { singleChoiceSchema } from './single-choice.js';
import { textSchema } from './text.js';

export const questionSchema = z.discriminatedUnion('type', [
  singleChoiceSchema,
  multiChoiceSchema,
  likertSchema,
  likertMatrixSchema,
  consentMatrixSchema,
  rankingSchema,
  numberSchema,
  textSchema,
  infoSchema,
]);
export type Question = z.infer<typeof questionSchema>;
export type QuestionTypeName = Question['type'];
