import type { LanguageCode } from '../languages.js';
import type { EditorField } from '../question-types/editor.js';
import type { Question, QuestionTypeName } from '../question-types/registry-schema.js';
import { typeOfName } from '../question-types/registry.js';
import type { Questionnaire, Section } from './schema.js';
import { textLocations } from './translations.js';

/** Question types whose answers can break results down (DESIGN.md §3). */
export const DIMENSION_TYPES: ReadonlySet<QuestionTypeName> = new Set([
  'single-choice',
  'likert',
  'number',
]);

export type Direction = 'up' | 'down';

/** The fields of a question in the builder: what every question has, then what its type adds. */
export function questionEditor(type: QuestionTypeName): EditorField[] {
  return [
    { kind: 'key', name: 'key' },
    { kind: 'text', name: 'text', multiline: true },
    { kind: 'text', name: 'help', optional: true, multiline: true },
    ...(type === 'info' ? [] : [{ kind: 'flag', name: 'required' } as const]),
    ...(DIMENSION_TYPES.has(type) ? [{ kind: 'flag', name: 'dimension' } as const] : []),
    ...typeOfName(type).editor,
    { kind: 'condition', name: 'condition' },
  ];
}

export const sectionEditor: EditorField[] = [
  { kind: 'key', name: 'key' },
  { kind: 'text', name: 'title' },
  { kind: 'text', name: 'intro', optional: true, multiline: true },
];

export interface QuestionPlace {
  section: number;
  index: number;
}

export function findQuestion(doc: Questionnaire, key: string): QuestionPlace | undefined {
  for (const [section, s] of doc.sections.entries()) {
    const index = s.questions.findIndex((q) => q.key === key);
    if (index >= 0) return { section, index };
  }
  return undefined;
}

export function findSection(doc: Questionnaire, key: string): number | undefined {
  const index = doc.sections.findIndex((s) => s.key === key);
  return index >= 0 ? index : undefined;
}

/** Swaps two entries of a list in place. */
function swap<T>(list: T[], a: number, b: number): void {
  [list[a], list[b]] = [list[b] as T, list[a] as T];
}

/** What every edit works on: a copy, so a refused edit leaves the stored draft untouched. */
const copy = (doc: Questionnaire): Questionnaire => structuredClone(doc);

export function addSection(doc: Questionnaire, section: Section): Questionnaire {
  const next = copy(doc);
  next.sections.push(section);
  return next;
}

/** New key, title and intro for a section; its questions stay. */
export function replaceSection(
  doc: Questionnaire,
  key: string,
  fields: Omit<Section, 'questions'>,
): Questionnaire {
  const next = copy(doc);
  const index = findSection(next, key);
  if (index === undefined) return next;
  const old = next.sections[index] as Section;
  next.sections[index] = { ...fields, questions: old.questions };
  return next;
}

export function removeSection(doc: Questionnaire, key: string): Questionnaire {
  const next = copy(doc);
  next.sections = next.sections.filter((s) => s.key !== key);
  return next;
}

export function moveSection(doc: Questionnaire, key: string, direction: Direction): Questionnaire {
  const next = copy(doc);
  const index = findSection(next, key);
  if (index === undefined) return next;
  const target = direction === 'up' ? index - 1 : index + 1;
  if (target >= 0 && target < next.sections.length) swap(next.sections, index, target);
  return next;
}

export function addQuestion(doc: Questionnaire, sectionKey: string, question: Question) {
  const next = copy(doc);
  const index = findSection(next, sectionKey);
  if (index !== undefined) (next.sections[index] as Section).questions.push(question);
  return next;
}

/** Replaces a question; when its key changes, display conditions that name it follow. */
export function replaceQuestion(doc: Questionnaire, key: string, question: Question) {
  const next = copy(doc);
  const place = findQuestion(next, key);
  if (!place) return next;
  (next.sections[place.section] as Section).questions[place.index] = question;
  if (question.key !== key) {
    for (const q of next.sections.flatMap((s) => s.questions)) {
      if (q.condition?.question === key) q.condition.question = question.key;
    }
  }
  return next;
}

export function removeQuestion(doc: Questionnaire, key: string): Questionnaire {
  const next = copy(doc);
  for (const section of next.sections)
    section.questions = section.questions.filter((q) => q.key !== key);
  return next;
}

/**
 * Moves a question one place; from the top or bottom of a section it goes to the end or the
 * start of the neighbouring section.
 */
export function moveQuestion(doc: Questionnaire, key: string, direction: Direction) {
  const next = copy(doc);
  const place = findQuestion(next, key);
  if (!place) return next;
  const questions = (next.sections[place.section] as Section).questions;
  const target = direction === 'up' ? place.index - 1 : place.index + 1;
  if (target >= 0 && target < questions.length) {
    swap(questions, place.index, target);
    return next;
  }
  const neighbour = next.sections[place.section + (direction === 'up' ? -1 : 1)];
  if (!neighbour) return next;
  const [question] = questions.splice(place.index, 1) as [Question];
  if (direction === 'up') neighbour.questions.push(question);
  else neighbour.questions.unshift(question);
  return next;
}

export interface Settings {
  country: string;
  languages: LanguageCode[];
  defaultLanguage: LanguageCode;
  mode: Questionnaire['mode'];
  title: Questionnaire['title'];
  purpose: Questionnaire['purpose'];
  organiser: Questionnaire['organiser'];
  contact?: Questionnaire['contact'];
}

/**
 * New settings for a questionnaire. Texts in a language that is no longer offered are dropped
 * everywhere, so the definition never holds text nobody can choose.
 */
export function withSettings(doc: Questionnaire, settings: Settings): Questionnaire {
  const next = copy(doc);
  const { contact, ...rest } = settings;
  Object.assign(next, rest);
  if (contact) next.contact = contact;
  else delete next.contact;
  for (const { text } of textLocations(next.sections)) {
    for (const lang of Object.keys(text) as LanguageCode[]) {
      if (!settings.languages.includes(lang)) delete text[lang];
    }
  }
  return next;
}
