import { consentMatrix } from './consent-matrix.js';
import { info } from './info.js';
import { likertMatrix } from './likert-matrix.js';
import { likert } from './likert.js';
import { multiChoice } from './multi-choice.js';
import { number } from './number.js';
import { ranking } from './ranking.js';
import type { Question, QuestionTypeName } from './registry-schema.js';
import { singleChoice } from './single-choice.js';
import { text } from './text.js';
import type { QuestionType } from './types.js';

const registry: { [T in QuestionTypeName]: QuestionType<Extract<Question, { type: T }>> } = {
  'single-choice': singleChoice,
  'multi-choice': multiChoice,
  likert,
  'likert-matrix': likertMatrix,
  'consent-matrix': consentMatrix,
  ranking,
  number,
  text,
  info,
};

/** The behaviour of a question's type, typed for that question. */
export function typeOf(question: Question): QuestionType<Question> {
  return registry[question.type] as unknown as QuestionType<Question>;
}

export const QUESTION_TYPES = Object.keys(registry) as QuestionTypeName[];

/** The behaviour of a question type, by its name. */
export function typeOfName(name: QuestionTypeName): QuestionType<Question> {
  return registry[name] as unknown as QuestionType<Question>;
}
