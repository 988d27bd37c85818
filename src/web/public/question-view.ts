import { bandFor } from '../../domain/banding.js';
import {
  visibleQuestions,
  visibleSections,
  type Answers,
} from '../../domain/questionnaire/journey.js';
import type { Questionnaire } from '../../domain/questionnaire/schema.js';
import { bandLabel } from '../../domain/question-types/number.js';
import type { Question } from '../../domain/question-types/registry-schema.js';
import { typeOf } from '../../domain/question-types/registry.js';
import type { FormValues } from '../../domain/question-types/types.js';
import { fieldId, type ContentContext, type ErrorView } from './view-model.js';

/**
 * What a question partial (views/partials/questions/<type>.ejs) receives: the question, and
 * helpers to read the submitted or saved values and the error of each of its fields.
 */
export function questionViews(
  questions: Question[],
  form: FormValues,
  errors: ErrorView[],
  content: ContentContext,
) {
  return questions.map((q) => ({
    q,
    partial: `../../partials/questions/${q.type}`,
    id: (field: string, option?: string) =>
      option === undefined ? fieldId(field) : `${fieldId(field)}-${option}`,
    value: (field: string): string => {
      const raw = form[field];
      return Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? '');
    },
    values: (field: string): string[] => {
      const raw = form[field];
      return raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    },
    errorFor: (field: string) => errors.find((e) => e.field === field)?.text,
    hasError: typeOf(q)
      .fields(q)
      .some((field) => errors.some((e) => e.field === field)),
    text: content.text,
    la: content.la,
  }));
}

export type QuestionView = ReturnType<typeof questionViews>[number];

/** The check-your-answers page: each visible section with its questions and answers. */
export function summaryRows(doc: Questionnaire, answers: Answers, content: ContentContext) {
  return visibleSections(doc, answers).map((index) => {
    const section = doc.sections[index]!;
    return {
      number: index + 1,
      title: content.text(section.title),
      rows: visibleQuestions(doc, section, answers)
        .filter((q) => typeOf(q).answerable)
        .map((q) => {
          const answer = answers[q.key];
          const band =
            q.type === 'number' && answer !== undefined
              ? bandFor(q.bands, Number(answer))
              : undefined;
          return {
            key: q.key,
            question: content.text(q.text),
            lines: answer === undefined ? [] : typeOf(q).summarise(q, answer, content.contentLang),
            band: band && bandLabel(band, content.contentLang),
            href: `s/${index + 1}#${fieldId(typeOf(q).fields(q)[0] ?? q.key)}`,
          };
        }),
    };
  });
}
