import type { z } from 'zod';
import type { Question } from '../question-types/registry-schema.js';
import { typeOf } from '../question-types/registry.js';
import { questionnaireSchema, type Questionnaire } from './schema.js';
import { jsonPath, textLocations } from './translations.js';

export { jsonPath };

export interface DefinitionError {
  /** Where the problem is, as a JSON path: "$.sections[1].questions[0].options". */
  path: string;
  message: string;
}

export type ValidationResult =
  { ok: true; questionnaire: Questionnaire } | { ok: false; errors: DefinitionError[] };

const DIMENSION_TYPES = new Set<Question['type']>(['single-choice', 'likert', 'number']);

function zodErrors(error: z.ZodError): DefinitionError[] {
  return error.issues.map((issue) => ({ path: jsonPath(issue.path), message: issue.message }));
}

/** Every text must exist in every declared language (unless `drafts`), and in no other. */
function checkTexts(doc: Questionnaire, out: DefinitionError[], draft: boolean): void {
  for (const { path, text } of textLocations(doc)) {
    const present = Object.keys(text);
    const missing = doc.languages.filter((l) => !present.includes(l));
    const extra = present.filter((l) => !(doc.languages as string[]).includes(l));
    if (missing.length > 0 && !draft)
      out.push({ path, message: `missing text in: ${missing.join(', ')}` });
    if (extra.length > 0)
      out.push({ path, message: `text in undeclared language: ${extra.join(', ')}` });
  }
}

function checkCondition(
  question: Question,
  path: (string | number)[],
  earlier: Map<string, Question>,
  laterOrSame: Set<string>,
  out: DefinitionError[],
): void {
  const condition = question.condition;
  if (!condition) return;
  const at = jsonPath([...path, 'condition']);
  const target = earlier.get(condition.question);
  if (!target) {
    const why = laterOrSame.has(condition.question)
      ? 'is not in an earlier section'
      : 'does not exist';
    out.push({
      path: at,
      message: `condition refers to question "${condition.question}", which ${why}`,
    });
    return;
  }
  const allowed = typeOf(target).conditionTarget(target);
  if (!allowed) {
    out.push({ path: at, message: `a condition cannot test a ${target.type} question` });
    return;
  }
  if (allowed.items && (condition.item === undefined || !allowed.items.includes(condition.item))) {
    out.push({ path: at, message: `condition needs "item": one of ${allowed.items.join(', ')}` });
  }
  if (!allowed.items && condition.item !== undefined) {
    out.push({ path: at, message: `"item" is only for matrix questions` });
  }
  for (const value of [...(condition.anyOf ?? []), ...(condition.noneOf ?? [])]) {
    if (!allowed.values.includes(value)) {
      out.push({ path: at, message: `"${value}" is not an answer of "${target.key}"` });
    }
  }
}

/** Rules beyond the shape: unique keys, valid conditions, dimensions, complete translations. */
export function semanticErrors(
  doc: Questionnaire,
  options: ValidationOptions = {},
): DefinitionError[] {
  const out: DefinitionError[] = [];
  if (!doc.languages.includes(doc.defaultLanguage)) {
    out.push({ path: '$.defaultLanguage', message: 'must be one of the declared languages' });
  }
  if (new Set(doc.languages).size !== doc.languages.length) {
    out.push({ path: '$.languages', message: 'a language is listed twice' });
  }
  const sectionKeys = new Set<string>();
  const allKeys = new Set(doc.sections.flatMap((s) => s.questions.map((q) => q.key)));
  const seen = new Map<string, Question>();
  doc.sections.forEach((section, si) => {
    if (sectionKeys.has(section.key))
      out.push({
        path: jsonPath(['sections', si, 'key']),
        message: `section key "${section.key}" is used twice`,
      });
    sectionKeys.add(section.key);
    const earlier = new Map(seen);
    section.questions.forEach((question, qi) => {
      const path: (string | number)[] = ['sections', si, 'questions', qi];
      if (seen.has(question.key))
        out.push({
          path: jsonPath([...path, 'key']),
          message: `question key "${question.key}" is used twice`,
        });
      seen.set(question.key, question);
      for (const issue of typeOf(question).check(question)) {
        out.push({ path: jsonPath([...path, ...issue.path]), message: issue.message });
      }
      if (question.dimension && !DIMENSION_TYPES.has(question.type)) {
        out.push({
          path: jsonPath([...path, 'dimension']),
          message: `a ${question.type} question cannot be a dimension`,
        });
      }
      const laterOrSame = new Set([...allKeys].filter((k) => !earlier.has(k)));
      checkCondition(question, path, earlier, laterOrSame, out);
    });
  });
  checkTexts(doc, out, options.draft ?? false);
  return out;
}

export interface ValidationOptions {
  /** A draft may lack translations; publishing needs every text in every language. */
  draft?: boolean;
}

/** Parses and checks a questionnaire definition; errors carry JSON paths. */
export function validateQuestionnaire(
  input: unknown,
  options: ValidationOptions = {},
): ValidationResult {
  const parsed = questionnaireSchema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const errors = semanticErrors(parsed.data, options);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, questionnaire: parsed.data };
}
