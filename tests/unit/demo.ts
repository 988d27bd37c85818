import { readFileSync } from 'node:fs';
import type { Question } from '../../src/domain/question-types/registry-schema.js';
import type { FormValues } from '../../src/domain/question-types/types.js';
import type { Questionnaire } from '../../src/domain/questionnaire/schema.js';
import { validateQuestionnaire } from '../../src/domain/questionnaire/validate.js';
import { DEMO_ANSWERS } from '../helpers/demo-answers.js';

const DEMO_PATH = new URL('../../questionnaires/genomic-data-sharing.json', import.meta.url);
const demoText = readFileSync(DEMO_PATH, 'utf8');

/** A fresh, mutable copy of the demo definition as an author would write it (plain JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests mutate the raw JSON freely
export function demoJson(): any {
  return structuredClone(JSON.parse(demoText));
}

/** The demo definition, parsed and checked. */
export function demoQuestionnaire(): Questionnaire {
  const result = validateQuestionnaire(demoJson());
  if (!result.ok)
    throw new Error(`demo questionnaire is invalid: ${JSON.stringify(result.errors)}`);
  return result.questionnaire;
}

export function questionIn(doc: Questionnaire, key: string): Question {
  const found = doc.sections.flatMap((s) => s.questions).find((q) => q.key === key);
  if (!found) throw new Error(`no question "${key}" in the demo`);
  return found;
}

/** A complete, valid set of form values for the demo, section by section. */
export const DEMO_FORMS: FormValues[] = DEMO_ANSWERS;
