import type { Question } from '../question-types/registry-schema.js';
import { typeOf } from '../question-types/registry.js';
import type { Answer, FieldError, FormValues, StoredRow } from '../question-types/types.js';
import type { Questionnaire, Section } from './schema.js';

export type Answers = Record<string, Answer>;

/** Whether a question is shown, given the answers to earlier sections. */
export function isVisible(
  question: Question,
  answers: Answers,
  byKey: Map<string, Question>,
): boolean {
  const condition = question.condition;
  if (!condition) return true;
  const target = byKey.get(condition.question);
  const answer = answers[condition.question];
  if (!target || answer === undefined) return condition.noneOf !== undefined;
  const values = typeOf(target).conditionValues(target, answer, condition.item);
  if (condition.anyOf) return values.some((v) => condition.anyOf!.includes(v));
  return !values.some((v) => condition.noneOf!.includes(v));
}

const indexes = new WeakMap<Questionnaire, Map<string, Question>>();

/** Every question by key; computed once per definition (definitions are never changed in place). */
export function questionIndex(doc: Questionnaire): Map<string, Question> {
  let index = indexes.get(doc);
  if (!index) {
    index = new Map(doc.sections.flatMap((s) => s.questions.map((q) => [q.key, q] as const)));
    indexes.set(doc, index);
  }
  return index;
}

export function visibleQuestions(
  doc: Questionnaire,
  section: Section,
  answers: Answers,
): Question[] {
  const byKey = questionIndex(doc);
  return section.questions.filter((q) => isVisible(q, answers, byKey));
}

/** Indexes of the sections a citizen sees: those with at least one visible question. */
export function visibleSections(doc: Questionnaire, answers: Answers): number[] {
  return doc.sections.flatMap((section, i) =>
    visibleQuestions(doc, section, answers).length > 0 ? [i] : [],
  );
}

/**
 * Removes answers to questions that conditions now hide. Conditions only look at earlier
 * sections, so one pass in order settles every chain.
 */
export function pruneHidden(doc: Questionnaire, answers: Answers): Answers {
  const byKey = questionIndex(doc);
  const kept: Answers = {};
  for (const section of doc.sections) {
    for (const question of section.questions) {
      const answer = answers[question.key];
      if (answer !== undefined && isVisible(question, kept, byKey)) kept[question.key] = answer;
    }
  }
  return kept;
}

export interface SectionOutcome {
  answers: Answers;
  errors: FieldError[];
}

/**
 * Reads one section's form into the answers. With `lenient` (going back, saving for later),
 * missing required answers are not errors and only valid answers are kept.
 */
export function applySection(
  doc: Questionnaire,
  sectionIndex: number,
  form: FormValues,
  answers: Answers,
  lenient = false,
): SectionOutcome {
  const section = doc.sections[sectionIndex];
  if (!section) return { answers, errors: [] };
  const next: Answers = { ...answers };
  const errors: FieldError[] = [];
  for (const question of visibleQuestions(doc, section, answers)) {
    const type = typeOf(question);
    if (!type.answerable) continue;
    const outcome = type.parse(lenient ? { ...question, required: false } : question, form);
    if (outcome.errors.length > 0) {
      if (!lenient) errors.push(...outcome.errors);
      continue;
    }
    if (outcome.answer === undefined) delete next[question.key];
    else next[question.key] = outcome.answer;
  }
  return { answers: pruneHidden(doc, next), errors };
}

/** The form values that re-display the saved answers of a section. */
export function sectionFormValues(
  doc: Questionnaire,
  sectionIndex: number,
  answers: Answers,
): FormValues {
  const section = doc.sections[sectionIndex];
  if (!section) return {};
  const values: FormValues = {};
  for (const question of section.questions) {
    const answer = answers[question.key];
    if (answer !== undefined) Object.assign(values, typeOf(question).toForm(question, answer));
  }
  return values;
}

/** Every form field name a section may send (besides the control fields). */
export function sectionFields(section: Section): Set<string> {
  return new Set(section.questions.flatMap((q) => typeOf(q).fields(q)));
}

/** The first visible section with a required question left unanswered, if any. */
export function firstIncompleteSection(doc: Questionnaire, answers: Answers): number | undefined {
  for (const index of visibleSections(doc, answers)) {
    const form = sectionFormValues(doc, index, answers);
    if (applySection(doc, index, form, answers).errors.length > 0) return index;
  }
  return undefined;
}

export interface ResponseRow extends StoredRow {
  questionKey: string;
}

/** The rows stored for a submitted response: visible answers only, numbers as bands. */
export function responseRows(doc: Questionnaire, answers: Answers): ResponseRow[] {
  const kept = pruneHidden(doc, answers);
  return doc.sections.flatMap((section) =>
    section.questions.flatMap((question) => {
      const answer = kept[question.key];
      if (answer === undefined) return [];
      return typeOf(question)
        .store(question, answer)
        .map((row) => ({ questionKey: question.key, ...row }));
    }),
  );
}
