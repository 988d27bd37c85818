import type { Option, Scale } from '../questionnaire/common.js';
import type { LocalizedText } from '../questionnaire/common.js';
import { duplicates, isInvalid, single } from './form.js';
import type { FieldError, FormValues, SemanticIssue } from './types.js';

/** The points of a scale, with "don't know" last when it is offered. */
export function scaleOptions(scale: Scale): Option[] {
  return scale.dontKnow ? [...scale.points, scale.dontKnow] : scale.points;
}

export function checkKeys(keys: string[], path: string): SemanticIssue[] {
  return duplicates(keys).map((key) => ({ path: [path], message: `key "${key}" is used twice` }));
}

export function matrixField(questionKey: string, rowKey: string): string {
  return `${questionKey}.${rowKey}`;
}

/**
 * Reads one radio choice per row. A required matrix needs every row; an optional one keeps the
 * rows that were answered.
 */
export function parseMatrix(
  question: { key: string; text: LocalizedText; required: boolean },
  rows: Option[],
  allowed: Option[],
  form: FormValues,
): { answer: Record<string, string> | undefined; errors: FieldError[] } {
  const answer: Record<string, string> = {};
  const errors: FieldError[] = [];
  for (const row of rows) {
    const field = matrixField(question.key, row.key);
    const value = single(form, field);
    if (value === undefined) {
      if (question.required) {
        errors.push({
          field,
          message: 'errors.required_row',
          vars: { question: question.text, row: row.label },
        });
      }
    } else if (isInvalid(value) || !allowed.some((o) => o.key === value)) {
      errors.push({ field, message: 'errors.invalid_option', vars: { question: row.label } });
    } else {
      answer[row.key] = value;
    }
  }
  if (errors.length > 0) return { answer: undefined, errors };
  return { answer: Object.keys(answer).length > 0 ? answer : undefined, errors };
}

export function asRecord(answer: unknown): Record<string, string> {
  return typeof answer === 'object' && answer !== null && !Array.isArray(answer)
    ? (answer as Record<string, string>)
    : {};
}
