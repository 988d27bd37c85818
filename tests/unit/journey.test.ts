import { describe, expect, it } from 'vitest';
import {
  applySection,
  firstIncompleteSection,
  isVisible,
  pruneHidden,
  questionIndex,
  responseRows,
  sectionFields,
  sectionFormValues,
  visibleQuestions,
  visibleSections,
  type Answers,
} from '../../src/domain/questionnaire/journey.js';
import type { Section } from '../../src/domain/questionnaire/schema.js';
import { DEMO_FORMS, demoQuestionnaire, questionIn } from './demo.js';

const doc = demoQuestionnaire();
const byKey = questionIndex(doc);
const consentQuestion = questionIn(doc, 'prior_test_consent');
const sharing = doc.sections[1] as Section;

/** Answers the demo section by section, as a citizen pressing "Continue" would. */
function answerSections(count: number, forms = DEMO_FORMS): Answers {
  let answers: Answers = {};
  for (let i = 0; i < count; i++) {
    const outcome = applySection(doc, i, forms[i] ?? {}, answers);
    expect(outcome.errors).toEqual([]);
    answers = outcome.answers;
  }
  return answers;
}

describe('the follow-up about consent for an earlier test', () => {
  it('is shown when the citizen says they had a genetic test', () => {
    expect(isVisible(consentQuestion, { prior_test: 'yes' }, byKey)).toBe(true);
    expect(visibleQuestions(doc, sharing, { prior_test: 'yes' }).map((q) => q.key)).toContain(
      'prior_test_consent',
    );
  });

  it.each([['no'], ['not_sure']])('is hidden when the answer is %s', (answer) => {
    expect(isVisible(consentQuestion, { prior_test: answer }, byKey)).toBe(false);
    expect(visibleQuestions(doc, sharing, { prior_test: answer }).map((q) => q.key)).toEqual([
      'willingness',
      'benefit',
    ]);
  });

  it('is hidden before the question about the test was answered', () => {
    expect(isVisible(consentQuestion, {}, byKey)).toBe(false);
  });

  it('its answer is dropped when the citizen goes back and changes "yes" to "no"', () => {
    const answers = answerSections(2);
    expect(answers.prior_test_consent).toBe('no');

    const changed = applySection(doc, 0, { ...DEMO_FORMS[0], prior_test: 'no' }, answers);
    expect(changed.errors).toEqual([]);
    expect(changed.answers).not.toHaveProperty('prior_test_consent');
    expect(changed.answers.willingness).toEqual(answers.willingness);
  });

  it('pruneHidden keeps it while "yes" stands and drops it on "no"', () => {
    const answers: Answers = {
      prior_test: 'yes',
      prior_test_consent: 'dont_remember',
      benefit: 'agree',
    };
    expect(pruneHidden(doc, answers)).toEqual(answers);
    expect(pruneHidden(doc, { ...answers, prior_test: 'no' })).toEqual({
      prior_test: 'no',
      benefit: 'agree',
    });
  });
});

describe('a section sent with "Continue"', () => {
  it('stores every answer of the section', () => {
    const outcome = applySection(doc, 0, DEMO_FORMS[0]!, {});
    expect(outcome).toEqual({
      answers: { familiarity: 'somewhat_familiar', prior_test: 'yes' },
      errors: [],
    });
  });

  it('reports each missing required answer by its field', () => {
    const outcome = applySection(doc, 0, { familiarity: 'very_familiar' }, {});
    expect(outcome.errors).toEqual([
      expect.objectContaining({ field: 'prior_test', message: 'errors.required_choice' }),
    ]);
  });

  it('reports every unanswered row of a required matrix', () => {
    const outcome = applySection(
      doc,
      1,
      { 'willingness.own_doctor': 'willing' },
      { prior_test: 'no' },
    );
    expect(outcome.errors.map((e) => e.field)).toEqual([
      'willingness.public_hospital_researchers',
      'willingness.universities',
      'willingness.pharma_companies',
      'willingness.government_agencies',
      'willingness.insurers',
    ]);
  });

  it('ignores a field for a hidden question', () => {
    const outcome = applySection(doc, 1, DEMO_FORMS[1]!, { prior_test: 'no' });
    expect(outcome.errors).toEqual([]);
    expect(outcome.answers).not.toHaveProperty('prior_test_consent');
  });

  it('clears an optional answer the citizen took back', () => {
    const answers = answerSections(2);
    const outcome = applySection(doc, 1, { ...DEMO_FORMS[1], benefit: '' }, answers);
    expect(outcome.answers).not.toHaveProperty('benefit');
  });
});

describe('a section sent with "Back" or "Save for later" (lenient)', () => {
  it('keeps the valid answers and does not complain about missing required ones', () => {
    const outcome = applySection(
      doc,
      1,
      { 'willingness.insurers': 'very_unwilling', benefit: 'agree' },
      {},
      true,
    );
    expect(outcome.errors).toEqual([]);
    expect(outcome.answers).toEqual({
      willingness: { insurers: 'very_unwilling' },
      benefit: 'agree',
    });
  });

  it('drops an invalid answer silently and keeps the earlier one', () => {
    const answers: Answers = { familiarity: 'quite_familiar', prior_test: 'no' };
    const outcome = applySection(
      doc,
      0,
      { familiarity: 'hacked', prior_test: 'not_sure' },
      answers,
      true,
    );
    expect(outcome.errors).toEqual([]);
    expect(outcome.answers).toEqual({ familiarity: 'quite_familiar', prior_test: 'not_sure' });
  });
});

describe('finding where to send a citizen who is not done', () => {
  it('is the first section with nothing answered yet', () => {
    expect(firstIncompleteSection(doc, {})).toBe(0);
  });

  it('is the first section with a required answer missing', () => {
    expect(firstIncompleteSection(doc, answerSections(2))).toBe(2);
  });

  it('skips sections whose required answers are all there, even with optional ones missing', () => {
    const answers = answerSections(5);
    delete answers.benefit;
    delete answers.prior_test_consent;
    expect(firstIncompleteSection(doc, answers)).toBeUndefined();
  });

  it('finds a required matrix with one row missing', () => {
    const answers = answerSections(5);
    const consent = { ...(answers.consent_by_purpose as Record<string, string>) };
    delete consent.own_care;
    expect(firstIncompleteSection(doc, { ...answers, consent_by_purpose: consent })).toBe(2);
  });

  it('is nothing once every section is answered', () => {
    expect(firstIncompleteSection(doc, answerSections(5))).toBeUndefined();
  });

  it('every section is visible in the demo, whatever was answered', () => {
    expect(visibleSections(doc, {})).toEqual([0, 1, 2, 3, 4]);
  });
});

describe('a saved section shown again', () => {
  it.each([0, 1, 2, 3, 4])('section %i re-displays the values that were sent', (index) => {
    const answers = answerSections(5);
    const form = sectionFormValues(doc, index, answers);
    expect(applySection(doc, index, form, answers)).toEqual({ answers, errors: [] });
  });

  it('names only fields the section declares', () => {
    const answers = answerSections(5);
    doc.sections.forEach((section, index) => {
      const fields = sectionFields(section);
      for (const name of Object.keys(sectionFormValues(doc, index, answers)))
        expect(fields).toContain(name);
    });
  });
});

describe('the rows stored for a submitted response', () => {
  it('hold the age band, never the age', () => {
    const rows = responseRows(doc, answerSections(5));
    expect(rows.filter((r) => r.questionKey === 'age')).toEqual([
      { questionKey: 'age', item: '', value: 'age_35_44' },
    ]);
    expect(rows.some((r) => r.value === '37')).toBe(false);
  });

  it('hold no answer to a question that is hidden', () => {
    const answers = { ...answerSections(5), prior_test: 'not_sure' };
    const rows = responseRows(doc, answers);
    expect(rows.map((r) => r.questionKey)).not.toContain('prior_test_consent');
    expect(rows.map((r) => r.questionKey)).toContain('benefit');
  });

  it('hold the free text only after redaction', () => {
    const rows = responseRows(doc, answerSections(5));
    const comment = rows.find((r) => r.questionKey === 'comments');
    expect(comment?.value).toBe(
      'Write to me at [email] or call [phone]. My account is PL[number].',
    );
    expect(JSON.stringify(rows)).not.toMatch(/kowalski|601 234 567/);
  });

  it('hold one row per matrix row and per ranked option, and nothing for info blocks', () => {
    const rows = responseRows(doc, answerSections(5));
    expect(rows.filter((r) => r.questionKey === 'willingness')).toHaveLength(6);
    expect(rows.filter((r) => r.questionKey === 'measures_ranking')).toContainEqual({
      questionKey: 'measures_ranking',
      item: 'know_who_uses',
      value: '2',
    });
    expect(rows.map((r) => r.questionKey)).not.toContain('genomic_data_explained');
  });

  it('follow the order of the questionnaire', () => {
    const keys = [...new Set(responseRows(doc, answerSections(5)).map((r) => r.questionKey))];
    expect(keys).toEqual([
      'familiarity',
      'prior_test',
      'willingness',
      'prior_test_consent',
      'benefit',
      'consent_by_purpose',
      'consent_model',
      'withdrawal',
      'trust_in',
      'trust_measures',
      'measures_ranking',
      'age',
      'gender',
      'country_of_residence',
      'area',
      'comments',
    ]);
  });
});
