import type { LanguageCode } from '../languages.js';
import type { LocalizedText, Option, Scale } from '../questionnaire/common.js';
import { textIn } from '../questionnaire/text.js';
import { duplicates, isInvalid, single } from './form.js';
import type { FieldError, FormValues, SemanticIssue, TableStatisticSpec } from './types.js';

/** The points of a scale, with "don't know" last when it is offered. */
export function scaleOptions(scale: Scale): Option[] {
  return scale.dontKnow ? [...scale.points, scale.dontKnow] : scale.points;
}

/**
 * How a net score reads a scale whose points go from the lowest to the highest: the lower half
 * of the points against the upper half, the middle point of an odd scale neutral, and "don't
 * know" in none of them (docs/results-statistics.md).
 */
export function netScoreSpec(scale: Scale): TableStatisticSpec {
  const keys = scale.points.map((p) => p.key);
  const half = Math.floor(keys.length / 2);
  return {
    kind: 'net-score',
    lower: keys.slice(0, half),
    middle: keys.slice(half, keys.length - half),
    upper: keys.slice(keys.length - half),
  };
}

export function checkKeys(keys: string[], path: string): SemanticIssue[] {
  return duplicates(keys).map((key) => ({
    path: [path],
    message: `key "${key}" is used twice`,
    code: 'keyTwice',
    vars: { key },
  }));
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

/** One choice among the allowed options (radios, likert scale or select). */
export function parseOneOf(
  question: { key: string; text: LocalizedText; required: boolean },
  allowed: Option[],
  form: FormValues,
): { answer: string | undefined; errors: FieldError[] } {
  const value = single(form, question.key);
  const fail = (message: string) => ({
    answer: undefined,
    errors: [{ field: question.key, message, vars: { question: question.text } }],
  });
  if (value === undefined)
    return question.required ? fail('errors.required_choice') : { answer: undefined, errors: [] };
  if (isInvalid(value) || !allowed.some((o) => o.key === value))
    return fail('errors.invalid_option');
  return { answer: value, errors: [] };
}

/**
 * What likert and consent matrices share: one radio group per row, stored as (row, column)
 * pairs, summarised as "row: column", tested by conditions row by row.
 */
export function matrixBehaviour<Q extends { key: string }>(
  rowsOf: (q: Q) => Option[],
  columnsOf: (q: Q) => Option[],
) {
  return {
    fields: (q: Q) => rowsOf(q).map((r) => matrixField(q.key, r.key)),
    toForm: (q: Q, answer: unknown) =>
      Object.fromEntries(
        Object.entries(asRecord(answer)).map(([row, v]) => [matrixField(q.key, row), v]),
      ),
    store: (_q: Q, answer: unknown) =>
      Object.entries(asRecord(answer)).map(([item, value]) => ({ item, value })),
    summarise(q: Q, answer: unknown, lang: LanguageCode) {
      const record = asRecord(answer);
      return rowsOf(q)
        .filter((row) => record[row.key] !== undefined)
        .map((row) => {
          const column = columnsOf(q).find((c) => c.key === record[row.key]);
          return `${textIn(row.label, lang)}: ${textIn(column?.label, lang)}`;
        });
    },
    conditionValues: (_q: Q, answer: unknown, item: string | undefined) => {
      const value = item === undefined ? undefined : asRecord(answer)[item];
      return value === undefined ? [] : [value];
    },
    conditionTarget: (q: Q) => ({
      items: rowsOf(q).map((r) => r.key),
      values: columnsOf(q).map((c) => c.key),
    }),
    results: (q: Q) =>
      rowsOf(q).map((row) => ({
        item: row.key,
        label: row.label,
        values: columnsOf(q),
        multiple: false,
      })),
  };
}
