import type { z } from 'zod';
import type { Question } from '../question-types/registry-schema.js';
import { typeOf } from '../question-types/registry.js';
import { draftQuestionnaireSchema, questionnaireSchema, type Questionnaire } from './schema.js';
import { DIMENSION_TYPES } from './outline.js';
import { jsonPath, textLocations } from './translations.js';

export { jsonPath };

export interface DefinitionError {
  /** Where the problem is, as a JSON path: "$.sections[1].questions[0].options". */
  path: string;
  /** In English, for files and the command line. */
  message: string;
  /** What the coordinator area translates: `definition.<code>` with `vars`. */
  code?: string;
  vars?: Record<string, string | number>;
}

export type ValidationResult =
  { ok: true; questionnaire: Questionnaire } | { ok: false; errors: DefinitionError[] };

const FORMAT_CODES: Record<string, string> = {
  key: 'keyFormat',
  slug: 'slugFormat',
  duo: 'duoFormat',
  country: 'countryFormat',
};

/** A translatable code for a schema problem, from zod's issue kind and where it is. */
function zodIssueCode(issue: z.core.$ZodIssue): Pick<DefinitionError, 'code' | 'vars'> {
  const last = String(issue.path[issue.path.length - 1] ?? '');
  switch (issue.code) {
    case 'invalid_format':
      return { code: FORMAT_CODES[last] ?? 'format' };
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') return { code: 'empty' };
      return { code: issue.origin === 'array' ? 'tooFew' : 'tooSmall', vars: { min } };
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      const code = { string: 'tooLong', array: 'tooMany' }[issue.origin as string] ?? 'tooBig';
      return { code, vars: { max } };
    }
    case 'invalid_type':
      if (issue.message.endsWith('received undefined')) return { code: 'required' };
      return {
        code: issue.expected === 'int' || issue.expected === 'number' ? 'wholeNumber' : 'invalid',
      };
    case 'unrecognized_keys':
      return { code: 'unknownField', vars: { keys: issue.keys.join(', ') } };
    case 'custom':
      if (issue.message === 'must contain at least one language') return { code: 'noText' };
      if (issue.message === 'needs exactly one of anyOf or noneOf')
        return { code: 'conditionMode' };
      return { code: 'invalid' };
    default:
      return { code: 'invalid' };
  }
}

function zodErrors(error: z.ZodError): DefinitionError[] {
  return error.issues.map((issue) => ({
    path: jsonPath(issue.path),
    message: issue.message,
    ...zodIssueCode(issue),
  }));
}

/** Every text must exist in every declared language (unless `drafts`), and in no other. */
function checkTexts(doc: Questionnaire, out: DefinitionError[], draft: boolean): void {
  for (const { path, text } of textLocations(doc)) {
    const present = Object.keys(text);
    const missing = doc.languages.filter((l) => !present.includes(l));
    const extra = present.filter((l) => !(doc.languages as string[]).includes(l));
    if (missing.length > 0 && !draft)
      out.push({
        path,
        message: `missing text in: ${missing.join(', ')}`,
        code: 'missingText',
        vars: { languages: missing.join(', ') },
      });
    if (extra.length > 0)
      out.push({
        path,
        message: `text in undeclared language: ${extra.join(', ')}`,
        code: 'undeclaredLanguage',
        vars: { languages: extra.join(', ') },
      });
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
      code: laterOrSame.has(condition.question) ? 'conditionNotEarlier' : 'conditionUnknown',
      vars: { question: condition.question },
    });
    return;
  }
  const allowed = typeOf(target).conditionTarget(target);
  if (!allowed) {
    out.push({
      path: at,
      message: `a condition cannot test a ${target.type} question`,
      code: 'conditionType',
      vars: { question: target.key },
    });
    return;
  }
  if (allowed.items && (condition.item === undefined || !allowed.items.includes(condition.item))) {
    out.push({
      path: at,
      message: `condition needs "item": one of ${allowed.items.join(', ')}`,
      code: 'conditionItem',
      vars: { items: allowed.items.join(', ') },
    });
  }
  if (!allowed.items && condition.item !== undefined) {
    out.push({ path: at, message: `"item" is only for matrix questions`, code: 'conditionNoItem' });
  }
  for (const value of [...(condition.anyOf ?? []), ...(condition.noneOf ?? [])]) {
    if (!allowed.values.includes(value)) {
      out.push({
        path: at,
        message: `"${value}" is not an answer of "${target.key}"`,
        code: 'conditionValue',
        vars: { value, question: target.key },
      });
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
    out.push({
      path: '$.defaultLanguage',
      message: 'must be one of the declared languages',
      code: 'defaultLanguage',
    });
  }
  if (new Set(doc.languages).size !== doc.languages.length) {
    out.push({ path: '$.languages', message: 'a language is listed twice', code: 'languageTwice' });
  }
  const sectionKeys = new Set<string>();
  const allKeys = new Set(doc.sections.flatMap((s) => s.questions.map((q) => q.key)));
  const seen = new Map<string, Question>();
  doc.sections.forEach((section, si) => {
    if (sectionKeys.has(section.key))
      out.push({
        path: jsonPath(['sections', si, 'key']),
        message: `section key "${section.key}" is used twice`,
        code: 'keyTwice',
        vars: { key: section.key },
      });
    sectionKeys.add(section.key);
    const earlier = new Map(seen);
    section.questions.forEach((question, qi) => {
      const path: (string | number)[] = ['sections', si, 'questions', qi];
      if (seen.has(question.key))
        out.push({
          path: jsonPath([...path, 'key']),
          message: `question key "${question.key}" is used twice`,
          code: 'keyTwice',
          vars: { key: question.key },
        });
      seen.set(question.key, question);
      for (const issue of typeOf(question).check(question)) {
        out.push({ ...issue, path: jsonPath([...path, ...issue.path]) });
      }
      if (question.dimension && !DIMENSION_TYPES.has(question.type)) {
        out.push({
          path: jsonPath([...path, 'dimension']),
          message: `a ${question.type} question cannot be a dimension`,
          code: 'dimensionType',
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
  const schema = options.draft ? draftQuestionnaireSchema : questionnaireSchema;
  const parsed = schema.safeParse(input);
  if (!parsed.success) return { ok: false, errors: zodErrors(parsed.error) };
  const errors = semanticErrors(parsed.data, options);
  return errors.length > 0 ? { ok: false, errors } : { ok: true, questionnaire: parsed.data };
}
