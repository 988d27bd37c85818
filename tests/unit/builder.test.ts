import { describe, expect, it } from 'vitest';
import { readFields, writeFields } from '../../src/domain/question-types/editor.js';
import { QUESTION_TYPES, typeOfName } from '../../src/domain/question-types/registry.js';
import type { Question } from '../../src/domain/question-types/registry-schema.js';
import {
  moveQuestion,
  moveSection,
  questionEditor,
  removeQuestion,
  replaceQuestion,
  withSettings,
} from '../../src/domain/questionnaire/outline.js';
import type { Questionnaire } from '../../src/domain/questionnaire/schema.js';
import { staleAfterEdit } from '../../src/domain/questionnaire/translations.js';
import { validateQuestionnaire } from '../../src/domain/questionnaire/validate.js';
import { demoQuestionnaire } from './demo.js';

const demo = (): Questionnaire => structuredClone(demoQuestionnaire());
const questions = (doc: Questionnaire) => doc.sections.flatMap((s) => s.questions);
const keysBySection = (doc: Questionnaire) =>
  doc.sections.map((s) => s.questions.map((q) => q.key));

describe('the builder form of a question', () => {
  it('reads back exactly what it shows, for every question of the demo (every type)', () => {
    const doc = demo();
    const types = new Set<string>();
    for (const question of questions(doc)) {
      types.add(question.type);
      const fields = questionEditor(question.type);
      const form = writeFields(fields, question as unknown as Record<string, unknown>);
      const read = { type: question.type, ...readFields(fields, form, '', doc.languages) };
      expect(typeOfName(question.type).schema.parse(read), question.key).toEqual(question);
    }
    expect([...types].sort()).toEqual([...QUESTION_TYPES].sort());
  });

  it('leaves out blank rows, removed rows and empty optional texts, and reads numbers', () => {
    const fields = questionEditor('number');
    const read = readFields(
      fields,
      {
        key: 'age',
        'text.en': ' How old are you? ',
        'text.pl': '',
        'help.en': '',
        min: '16',
        max: '120',
        'bands.0.key': 'young',
        'bands.0.min': '16',
        'bands.0.max': '40',
        'bands.1.key': 'gone',
        'bands.1.min': '1',
        'bands.1._remove': 'on',
        'bands.2.key': '',
        'bands.2.min': '',
        'bands.3.key': 'old',
        'bands.3.min': '41',
        'bands.3.max': 'many',
      },
      '',
      ['en', 'pl'],
    );
    expect(read).toEqual({
      key: 'age',
      text: { en: 'How old are you?' },
      required: false,
      dimension: false,
      min: 16,
      max: 120,
      bands: [
        { key: 'young', min: 16, max: 40 },
        // Not a whole number: passed on as typed, for the schema to refuse by name.
        { key: 'old', min: 41, max: 'many' },
      ],
    });
  });

  it('reads a display condition, its values separated by commas or spaces', () => {
    const read = readFields(
      questionEditor('text'),
      {
        'condition.question': 'prior_test',
        'condition.mode': 'noneOf',
        'condition.values': 'no, dont_know  maybe',
      },
      '',
      ['en'],
    );
    expect(read.condition).toEqual({
      question: 'prior_test',
      noneOf: ['no', 'dont_know', 'maybe'],
    });
    const none = readFields(questionEditor('text'), { 'condition.question': '' }, '', ['en']);
    expect(none.condition).toBeUndefined();
  });
});

describe('changing the outline', () => {
  it('moves a question within its section, and across into the neighbouring one', () => {
    const doc = demo();
    const [first, second] = doc.sections[0]?.questions.map((q) => q.key) ?? [];
    const swapped = moveQuestion(doc, first as string, 'down');
    expect(swapped.sections[0]?.questions.slice(0, 2).map((q) => q.key)).toEqual([second, first]);
    const last = doc.sections[0]?.questions.at(-1)?.key as string;
    const across = moveQuestion(doc, last, 'down');
    expect(across.sections[1]?.questions[0]?.key).toBe(last);
    expect(across.sections[0]?.questions.map((q) => q.key)).not.toContain(last);
    expect(keysBySection(doc)).toEqual(keysBySection(demo()));
  });

  it('refuses, through validation, a move that puts a condition before its question', () => {
    // prior_test_consent (section 2) depends on prior_test (section 1).
    const moved = moveSection(demo(), 'genomics', 'down');
    const result = validateQuestionnaire(moved, { draft: true });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.code)).toContain('conditionNotEarlier');
  });

  it('refuses to delete a question that a condition tests, with a translatable code', () => {
    const result = validateQuestionnaire(removeQuestion(demo(), 'prior_test'), { draft: true });
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.errors).toContainEqual(
        expect.objectContaining({ code: 'conditionUnknown', vars: { question: 'prior_test' } }),
      );
  });

  it('renaming a question carries the conditions that test it along', () => {
    const doc = demo();
    const place = doc.sections[0]?.questions.find((q) => q.key === 'prior_test') as Question;
    const renamed = replaceQuestion(doc, 'prior_test', { ...place, key: 'genetic_test' });
    expect(
      questions(renamed).find((q) => q.key === 'prior_test_consent')?.condition?.question,
    ).toBe('genetic_test');
    expect(validateQuestionnaire(renamed, { draft: true }).ok).toBe(true);
  });

  it('dropping a language drops its texts everywhere', () => {
    const doc = demo();
    const next = withSettings(doc, {
      country: doc.country,
      languages: ['en', 'pl'],
      defaultLanguage: 'en',
      mode: 'open',
      title: { en: doc.title.en as string, pl: doc.title.pl as string },
      purpose: { en: doc.purpose.en as string, pl: doc.purpose.pl as string },
      organiser: { en: doc.organiser.en as string, pl: doc.organiser.pl as string },
    });
    expect(JSON.stringify(next.sections)).not.toMatch(/"(de|fr|ar)":/);
    expect(validateQuestionnaire(next).ok).toBe(true);
  });
});

describe('stale translations after a reorder', () => {
  it('follow their texts by key, so moving a question neither marks nor forgets anything', () => {
    const doc = demo();
    const edited = structuredClone(doc);
    const question = edited.sections[0]?.questions[1] as Question;
    question.text = { ...question.text, en: 'A new English source text' };
    const stale = staleAfterEdit(doc, {}, edited);
    const path = '$.sections[0].questions[1].text';
    expect(stale.pl).toEqual([path]);
    const moved = moveQuestion(edited, question.key, 'up');
    const after = staleAfterEdit(edited, stale, moved);
    expect(after.pl).toEqual(['$.sections[0].questions[0].text']);
    const movedBack = moveQuestion(doc, doc.sections[0]?.questions[1]?.key as string, 'up');
    expect(staleAfterEdit(doc, {}, movedBack)).toEqual({});
  });
});
