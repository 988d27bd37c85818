import { describe, expect, it } from 'vitest';
import {
  validateQuestionnaire,
  type DefinitionError,
} from '../../src/domain/questionnaire/validate.js';
import { demoJson } from './demo.js';

/** Positions of questions in the demo definition, so that paths below read as intended. */
const FAMILIARITY = 'sections[0].questions[1]';
const PRIOR_TEST = 'sections[0].questions[2]';
const PRIOR_TEST_CONSENT = 'sections[1].questions[1]';
const BENEFIT = 'sections[1].questions[2]';
const CONSENT_MODEL = 'sections[2].questions[1]';
const TRUST_MEASURES = 'sections[3].questions[1]';
const AGE = 'sections[4].questions[1]';
const COMMENTS = 'sections[4].questions[5]';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the raw JSON an author writes
type Json = any;

/** Validates the demo definition after an author's edit, expecting it to be rejected. */
function errorsAfter(edit: (doc: Json) => void): DefinitionError[] {
  const doc = demoJson();
  edit(doc);
  const result = validateQuestionnaire(doc);
  if (result.ok) throw new Error('expected the edited definition to be rejected');
  return result.errors;
}

const everywhere = (text: string) => ({ en: text, de: text, fr: text, pl: text, ar: text });

/** A last section holding one conditional info block. */
function followUpSection(condition: Json): Json {
  return {
    key: 'follow_up',
    title: everywhere('Follow-up'),
    questions: [{ key: 'follow_up_note', type: 'info', text: everywhere('Thank you.'), condition }],
  };
}

function at(path: string, message: string | RegExp) {
  return expect.objectContaining({
    path: `$.${path}`,
    message: typeof message === 'string' ? message : expect.stringMatching(message),
  });
}

describe('the demo questionnaire', () => {
  it('is a valid definition', () => {
    const result = validateQuestionnaire(demoJson());
    expect(result).toMatchObject({ ok: true });
    if (result.ok) {
      expect(result.questionnaire.sections).toHaveLength(5);
      expect(result.questionnaire.languages).toEqual(['en', 'de', 'fr', 'pl', 'ar']);
    }
  });

  it('fills in defaults the author left out (required, dimension, mode)', () => {
    const doc = demoJson();
    delete doc.mode;
    delete doc.sections[1].questions[2].required;
    const result = validateQuestionnaire(doc);
    if (!result.ok) throw new Error(JSON.stringify(result.errors));
    expect(result.questionnaire.mode).toBe('open');
    const benefit = result.questionnaire.sections[1]?.questions[2];
    expect(benefit).toMatchObject({ key: 'benefit', required: false, dimension: false });
  });
});

describe('keys', () => {
  it('when two questions share a key, the second one is rejected by its path', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[1].questions[2].key = 'familiarity';
    });
    expect(errors).toEqual([at(`${BENEFIT}.key`, 'question key "familiarity" is used twice')]);
  });

  it('when two sections share a key, the second one is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[3].key = 'sharing';
    });
    expect(errors).toEqual([at('sections[3].key', 'section key "sharing" is used twice')]);
  });

  it('when two options of a choice share a key, the option list is rejected naming the key', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[2].questions[1].options[3].key = 'broad_once';
    });
    expect(errors).toEqual([
      at(`${CONSENT_MODEL}.options`, 'option key "broad_once" is used twice'),
    ]);
  });

  it('when two points of a scale share a key, the scale is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[0].questions[1].scale.points[4].key = 'never_heard';
    });
    expect(errors).toEqual([at(`${FAMILIARITY}.scale`, 'key "never_heard" is used twice')]);
  });

  it('when two bands share a key, the bands are rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[4].questions[1].bands[1].key = 'age_16_24';
    });
    expect(errors).toContainEqual(at(`${AGE}.bands`, 'key "age_16_24" is used twice'));
  });

  it.each([
    ['upper case', 'Prior_test'],
    ['a dash', 'prior-test'],
    ['a leading digit', '1st_test'],
    ['a space', 'prior test'],
    ['nothing', ''],
  ])('a question key with %s is rejected with the key format rule', (_why, key) => {
    const errors = errorsAfter((doc) => {
      doc.sections[0].questions[2].key = key;
    });
    expect(errors).toEqual([
      at(`${PRIOR_TEST}.key`, 'must be lower-case letters, digits or _, starting with a letter'),
    ]);
  });

  it('an option key in the wrong format is rejected at the option', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[0].questions[2].options[2].key = 'Not Sure';
    });
    expect(errors).toEqual([at(`${PRIOR_TEST}.options[2].key`, /lower-case letters/)]);
  });
});

describe('display conditions', () => {
  it('when a condition refers to a question in a later section, it is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[0].questions[1].condition = { question: 'consent_model', anyOf: ['broad_once'] };
    });
    expect(errors).toEqual([
      at(
        `${FAMILIARITY}.condition`,
        'condition refers to question "consent_model", which is not in an earlier section',
      ),
    ]);
  });

  it('when a condition refers to a question of the same section, it is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[0].questions[2].condition = { question: 'familiarity', anyOf: ['never_heard'] };
    });
    expect(errors).toEqual([
      at(
        `${PRIOR_TEST}.condition`,
        'condition refers to question "familiarity", which is not in an earlier section',
      ),
    ]);
  });

  it('when a condition refers to its own question, it is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[1].questions[2].condition = { question: 'benefit', noneOf: ['agree'] };
    });
    expect(errors).toEqual([
      at(`${BENEFIT}.condition`, /"benefit", which is not in an earlier section/),
    ]);
  });

  it('when a condition refers to a question that does not exist, it is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[1].questions[1].condition.question = 'previous_test';
    });
    expect(errors).toEqual([
      at(
        `${PRIOR_TEST_CONSENT}.condition`,
        'condition refers to question "previous_test", which does not exist',
      ),
    ]);
  });

  it('when a condition tests a value that is not an option of the question, it names the value', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[1].questions[1].condition.anyOf = ['yes', 'maybe'];
    });
    expect(errors).toEqual([
      at(`${PRIOR_TEST_CONSENT}.condition`, '"maybe" is not an answer of "prior_test"'),
    ]);
  });

  it('when a noneOf condition tests an unknown value, it is rejected too', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[1].questions[1].condition = { question: 'prior_test', noneOf: ['no', 'nope'] };
    });
    expect(errors).toEqual([
      at(`${PRIOR_TEST_CONSENT}.condition`, '"nope" is not an answer of "prior_test"'),
    ]);
  });

  it('when a condition on a matrix has no item, it asks for one and lists the rows', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[2].questions[1].condition = { question: 'willingness', anyOf: ['willing'] };
    });
    expect(errors).toEqual([
      at(
        `${CONSENT_MODEL}.condition`,
        'condition needs "item": one of own_doctor, public_hospital_researchers, universities, pharma_companies, government_agencies, insurers',
      ),
    ]);
  });

  it('when a condition on a matrix names a row that does not exist, it is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[2].questions[1].condition = {
        question: 'willingness',
        item: 'banks',
        anyOf: ['willing'],
      };
    });
    expect(errors).toEqual([
      at(`${CONSENT_MODEL}.condition`, /^condition needs "item": one of own_doctor/),
    ]);
  });

  it('a condition on a matrix row with one of the scale points is accepted', () => {
    const doc = demoJson();
    doc.sections[2].questions[1].condition = {
      question: 'willingness',
      item: 'universities',
      noneOf: ['very_unwilling', 'dont_know'],
    };
    expect(validateQuestionnaire(doc)).toMatchObject({ ok: true });
  });

  it('when a condition on a plain choice has an item, it is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[1].questions[1].condition.item = 'yes';
    });
    expect(errors).toEqual([
      at(`${PRIOR_TEST_CONSENT}.condition`, '"item" is only for matrix questions'),
    ]);
  });

  it('a condition on a number tests band keys, not raw numbers', () => {
    const accepted = demoJson();
    accepted.sections.push(
      followUpSection({ question: 'age', anyOf: ['age_65_74', 'age_75_plus'] }),
    );
    expect(validateQuestionnaire(accepted)).toMatchObject({ ok: true });

    const errors = errorsAfter((doc) => {
      doc.sections.push(followUpSection({ question: 'age', anyOf: ['age_65_74', 'age_70'] }));
    });
    expect(errors).toEqual([
      at('sections[5].questions[0].condition', '"age_70" is not an answer of "age"'),
    ]);
  });

  it.each([
    ['ranking', 'measures_ranking'],
    ['text', 'comments'],
    ['info', 'genomic_data_explained'],
  ])('a condition cannot test a %s question', (type, target) => {
    const errors = errorsAfter((doc) => {
      doc.sections.push(followUpSection({ question: target, anyOf: ['anything'] }));
    });
    expect(errors).toEqual([
      at('sections[5].questions[0].condition', `a condition cannot test a ${type} question`),
    ]);
  });

  it('a condition with both anyOf and noneOf is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[1].questions[1].condition.noneOf = ['no'];
    });
    expect(errors).toEqual([
      at(`${PRIOR_TEST_CONSENT}.condition`, 'needs exactly one of anyOf or noneOf'),
    ]);
  });
});

describe('languages and translations', () => {
  it('when a text lacks a declared language, the path names the text and the language', () => {
    const errors = errorsAfter((doc) => {
      delete doc.title.pl;
    });
    expect(errors).toEqual([at('title', 'missing text in: pl')]);
  });

  it('finds a missing translation deep inside a question', () => {
    const errors = errorsAfter((doc) => {
      delete doc.sections[0].questions[1].scale.points[0].label.de;
      delete doc.sections[0].questions[1].scale.points[0].label.ar;
    });
    expect(errors).toEqual([at(`${FAMILIARITY}.scale.points[0].label`, 'missing text in: de, ar')]);
  });

  it('finds a missing translation of a band label and of a help text', () => {
    const errors = errorsAfter((doc) => {
      delete doc.sections[4].questions[1].bands[6].label.fr;
      doc.sections[0].questions[2].help = { en: 'Any genetic test counts.' };
    });
    expect(errors).toEqual([
      at(`${PRIOR_TEST}.help`, 'missing text in: de, fr, pl, ar'),
      at(`${AGE}.bands[6].label`, 'missing text in: fr'),
    ]);
  });

  it('when a text is given in a language the questionnaire does not declare, it is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[3].questions[1].options[0].label.it = 'Trasparenza';
    });
    expect(errors).toEqual([
      at(`${TRUST_MEASURES}.options[0].label`, 'text in undeclared language: it'),
    ]);
  });

  it('when a text is given in a language that does not exist at all, the schema rejects it', () => {
    const errors = errorsAfter((doc) => {
      doc.purpose.xx = 'Lorem';
    });
    expect(errors.map((e) => e.path)).toContain('$.purpose');
  });

  it('when the default language is not one of the declared languages, it is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.defaultLanguage = 'it';
    });
    expect(errors).toEqual([at('defaultLanguage', 'must be one of the declared languages')]);
  });

  it('when a language is listed twice, it is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.languages.push('de');
    });
    expect(errors).toContainEqual(at('languages', 'a language is listed twice'));
  });

  it('dropping a language from the list turns every text in it into an error', () => {
    const errors = errorsAfter((doc) => {
      doc.languages = ['en', 'de', 'fr', 'pl'];
    });
    expect(errors.length).toBeGreaterThan(50);
    expect(errors.every((e) => e.message === 'text in undeclared language: ar')).toBe(true);
  });
});

describe('number bands', () => {
  it('when the bands leave a gap, the definition is rejected with the band path', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[4].questions[1].bands[2].min = 36;
    });
    expect(errors).toEqual([at(`${AGE}.bands`, 'gap between bands "age_25_34" and "age_35_44"')]);
  });

  it('when two bands overlap, the definition is rejected with the band path', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[4].questions[1].bands[3].min = 44;
    });
    expect(errors).toEqual([at(`${AGE}.bands`, 'bands "age_35_44" and "age_45_54" overlap')]);
  });

  it('when the bands stop short of the maximum, the definition is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[4].questions[1].max = 130;
    });
    expect(errors).toEqual([
      at(`${AGE}.bands`, 'bands end at 120 but the allowed range ends at 130'),
    ]);
  });

  it('when the bands start below the minimum, the definition is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[4].questions[1].min = 18;
    });
    expect(errors).toEqual([
      at(`${AGE}.bands`, 'bands start at 16 but the allowed range starts at 18'),
    ]);
  });

  it('when min is greater than max, that is the one error reported', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[4].questions[1].min = 121;
    });
    expect(errors).toEqual([at(`${AGE}.min`, 'min must not be greater than max')]);
  });

  it('a band with min greater than max is named', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[4].questions[1].bands[0] = { key: 'age_16_24', min: 24, max: 16 };
    });
    expect(errors).toContainEqual(at(`${AGE}.bands`, 'band "age_16_24" has min greater than max'));
  });

  it('a fractional bound is rejected by the schema', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[4].questions[1].bands[0].max = 24.5;
    });
    expect(errors.map((e) => e.path)).toContain(`$.${AGE}.bands[0].max`);
  });
});

describe('dimensions (questions results can be broken down by)', () => {
  it('a free-text question cannot be a dimension', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[4].questions[5].dimension = true;
    });
    expect(errors).toContainEqual(at(`${COMMENTS}.dimension`, /cannot be a dimension/));
  });

  it('a free-text dimension is reported once', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[4].questions[5].dimension = true;
    });
    expect(errors).toHaveLength(1);
  });

  it('a multi-choice question cannot be a dimension', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[3].questions[1].dimension = true;
    });
    expect(errors).toEqual([
      at(`${TRUST_MEASURES}.dimension`, 'a multi-choice question cannot be a dimension'),
    ]);
  });

  it.each([
    ['likert-matrix', 'sections[1].questions[0]'],
    ['consent-matrix', 'sections[2].questions[0]'],
    ['ranking', 'sections[3].questions[2]'],
  ])('a %s question cannot be a dimension', (type, path) => {
    const errors = errorsAfter((doc) => {
      const [, s, q] = /sections\[(\d)\]\.questions\[(\d)\]/.exec(path) as RegExpExecArray;
      doc.sections[Number(s)].questions[Number(q)].dimension = true;
    });
    expect(errors).toEqual([at(`${path}.dimension`, `a ${type} question cannot be a dimension`)]);
  });

  it('a likert question can be a dimension', () => {
    const doc = demoJson();
    doc.sections[0].questions[1].dimension = true;
    expect(validateQuestionnaire(doc)).toMatchObject({ ok: true });
  });
});

describe('the shape of the definition', () => {
  it('an unknown property on a question is rejected (strict), naming it', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[0].questions[1].colour = 'blue';
    });
    expect(errors).toEqual([at(FAMILIARITY, 'Unrecognized key: "colour"')]);
  });

  it('an unknown property at the top level is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.deadline = '2026-12-31';
    });
    expect(errors).toEqual([
      expect.objectContaining({ path: '$', message: 'Unrecognized key: "deadline"' }),
    ]);
  });

  it('an unknown property on an option is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[3].questions[1].options[6].exclusiv = true;
    });
    expect(errors).toEqual([at(`${TRUST_MEASURES}.options[6]`, 'Unrecognized key: "exclusiv"')]);
  });

  it('an unknown question type is rejected at its type, listing the known types', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[0].questions[1].type = 'slider';
    });
    expect(errors).toEqual([
      at(`${FAMILIARITY}.type`, /single-choice.*multi-choice.*likert.*number.*text.*info/),
    ]);
  });

  it('a property that belongs to another question type is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[0].questions[2].maxLength = 100;
    });
    expect(errors).toEqual([at(PRIOR_TEST, 'Unrecognized key: "maxLength"')]);
  });

  it.each([
    ['schemaVersion', 2],
    ['country', 'Poland'],
    ['slug', 'Genomic Data'],
    ['mode', 'invite-only'],
  ])('an invalid %s is rejected at that property', (field, value) => {
    const errors = errorsAfter((doc) => {
      doc[field] = value;
    });
    expect(errors.map((e) => e.path)).toEqual([`$.${field}`]);
  });

  it('a section without questions is rejected', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[2].questions = [];
    });
    expect(errors.map((e) => e.path)).toEqual(['$.sections[2].questions']);
  });

  it('multi-choice limits that cannot be met are rejected', () => {
    const crossed = errorsAfter((doc) => {
      doc.sections[3].questions[1].min = 3;
      doc.sections[3].questions[1].max = 2;
    });
    expect(crossed).toEqual([at(`${TRUST_MEASURES}.min`, 'min must not be greater than max')]);
    const tooMany = errorsAfter((doc) => {
      doc.sections[3].questions[1].max = 8;
    });
    expect(tooMany).toEqual([
      at(`${TRUST_MEASURES}.max`, 'max must not exceed the number of options'),
    ]);
  });

  it('an access-code questionnaire is valid, and any other mode is not', () => {
    expect(validateQuestionnaire({ ...demoJson(), mode: 'access-code' })).toMatchObject({
      ok: true,
      questionnaire: { mode: 'access-code' },
    });
    expect(
      errorsAfter((doc) => {
        doc.mode = 'invitation';
      })[0]?.path,
    ).toBe('$.mode');
  });

  it('not-JSON-object input is rejected, not thrown', () => {
    expect(validateQuestionnaire(null)).toMatchObject({ ok: false });
    expect(validateQuestionnaire('{"schemaVersion":1}')).toMatchObject({ ok: false });
  });
});

describe('features that are not built yet are refused, not silently ignored', () => {
  it('an unknown property on an option is an error', () => {
    const errors = errorsAfter((doc) => {
      doc.sections[0].questions[2].options[0].colour = 'red';
    });
    expect(errors[0]?.path).toBe('$.sections[0].questions[2].options[0]');
  });
});
