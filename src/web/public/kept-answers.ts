import { visibleQuestions } from '../../domain/questionnaire/journey.js';
import type { Questionnaire, Section } from '../../domain/questionnaire/schema.js';
import type { Question } from '../../domain/question-types/registry-schema.js';
import { typeOf } from '../../domain/question-types/registry.js';
import type { FormValues } from '../../domain/question-types/types.js';

/**
 * The questions of a section to show again when the draft could not be read, so the earlier
 * answers that conditions look at are unknown: those shown when nothing is known of them, and
 * those the citizen sent an answer to (their condition was met when the page was drawn).
 */
export function questionsWithoutDraft(
  doc: Questionnaire,
  section: Section,
  form: FormValues,
): Question[] {
  const shownAnyway = new Set(visibleQuestions(doc, section, {}));
  const answered = (field: string) => {
    const value = form[field];
    return Array.isArray(value) ? value.some((v) => v !== '') : (value ?? '') !== '';
  };
  return section.questions.filter(
    (question) => shownAnyway.has(question) || typeOf(question).fields(question).some(answered),
  );
}
