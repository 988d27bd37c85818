import { describe, expect, it } from 'vitest';
import { validateQuestionnaire } from '../../src/domain/questionnaire/validate.js';
import { convertXlsForm } from '../../src/domain/xlsform/convert.js';
import { parseBounds, parseRelevant } from '../../src/domain/xlsform/expressions.js';
import type { SheetRow, XlsFormSheets } from '../../src/domain/xlsform/sheets.js';

/** A sheet as a spreadsheet shows it: a header row (row 1), then rows from row 2; '' is empty. */
function sheet(headers: string[], ...rows: string[][]): SheetRow[] {
  return rows.map((values, i) => ({
    row: i + 2,
    cells: Object.fromEntries(
      headers.map((h, c) => [h, values[c] ?? '']).filter(([, v]) => v !== ''),
    ),
  }));
}

const EXTRAS = { country: 'PL', purpose: 'We ask for your views.', organiser: 'The team' };
const SETTINGS = sheet(['form_id', 'form_title', 'version'], ['Test.Form', 'A test form', '3']);
const YES_NO = sheet(
  ['list_name', 'name', 'label'],
  ['yn', 'yes', 'Yes'],
  ['yn', 'no', 'No'],
  ['yn', 'dont_know', "Don't know"],
);

function convert(survey: SheetRow[], more: Partial<XlsFormSheets> = {}) {
  return convertXlsForm({ survey, choices: YES_NO, settings: SETTINGS, ...more }, EXTRAS);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Any = any;
const sectionsOf = (definition: Record<string, unknown>) => definition.sections as Any[];
const questionsOf = (definition: Record<string, unknown>) =>
  sectionsOf(definition).flatMap((s) => s.questions);
const keysIn = (report: { messageKey: string }[]) => report.map((r) => r.messageKey);

const HEAD = ['type', 'name', 'label', 'hint', 'required', 'relevant', 'constraint', 'appearance'];

describe('XLSForm conversion: types', () => {
  it('maps every supported type, and the result is a valid draft', () => {
    const { definition, report } = convert(
      sheet(
        HEAD,
        ['begin group', 'about', 'About you', 'A few questions'],
        ['select_one yn', 'prior_test', 'Had a genetic test?', 'Any test', 'yes'],
        ['select_multiple yn', 'which', 'Which?'],
        ['integer', 'age', 'Your age', '', 'true()', '', '. >= 18 and . <= 120'],
        ['text', 'comments', 'Comments', '', '', '', '', 'multiline'],
        ['note', 'thanks', 'Thank you'],
        ['rank yn', 'order', 'Put in order'],
        ['end group'],
      ),
    );
    const [about] = sectionsOf(definition);
    expect(about.key).toBe('about');
    expect(about.title).toEqual({ en: 'About you' });
    expect(about.intro).toEqual({ en: 'A few questions' });
    expect(about.questions.map((q: Any) => [q.key, q.type])).toEqual([
      ['prior_test', 'single-choice'],
      ['which', 'multi-choice'],
      ['age', 'number'],
      ['comments', 'text'],
      ['thanks', 'info'],
      ['order', 'ranking'],
    ]);
    const [prior, which, age, comments] = about.questions;
    expect(prior).toMatchObject({ required: true, help: { en: 'Any test' } });
    expect(prior.options.map((o: Any) => o.key)).toEqual(['yes', 'no', 'dont_know']);
    expect(which.required).toBe(false);
    expect(age).toMatchObject({ min: 18, max: 120, required: true });
    expect(age.bands).toEqual([{ key: 'all', min: 18, max: 120 }]);
    expect(comments.multiline).toBe(true);
    expect(keysIn(report)).toContain('numberBands');
    expect(keysIn(report)).not.toContain('numberRange');
    expect(validateQuestionnaire(definition, { draft: true })).toMatchObject({ ok: true });
  });

  it('reads the settings: slug from form_id, title, version; purpose and organiser from the form', () => {
    const { definition, version } = convert(sheet(HEAD, ['text', 'a', 'A']));
    expect(definition).toMatchObject({
      slug: 'test-form',
      country: 'PL',
      title: { en: 'A test form' },
      purpose: { en: 'We ask for your views.' },
      organiser: { en: 'The team' },
    });
    expect(version).toBe('3');
  });

  it('uses a drop-down for a long single-choice list', () => {
    const many = sheet(
      ['list_name', 'name', 'label'],
      ...Array.from({ length: 13 }, (_, i) => ['region', `r${i}`, `Region ${i}`]),
    );
    const { definition } = convert(sheet(HEAD, ['select_one region', 'region', 'Region']), {
      choices: many,
    });
    expect(questionsOf(definition)[0].display).toBe('select');
  });

  it('gives a number without bounds the range 0–999 and says so', () => {
    const { definition, report } = convert(sheet(HEAD, ['integer', 'n', 'How many?']));
    expect(questionsOf(definition)[0]).toMatchObject({ min: 0, max: 999 });
    expect(report).toContainEqual({
      sheet: 'survey',
      row: 2,
      messageKey: 'numberRange',
      vars: { name: 'n', min: 0, max: 999 },
    });
  });

  it('skips a ranking of more than 10 choices, and a question whose list is missing', () => {
    const eleven = sheet(
      ['list_name', 'name', 'label'],
      ...Array.from({ length: 11 }, (_, i) => ['big', `o${i}`, `Option ${i}`]),
    );
    const { definition, report } = convert(
      sheet(HEAD, ['rank big', 'r', 'Rank'], ['select_one nowhere', 's', 'S'], ['text', 't', 'T']),
      { choices: eleven },
    );
    expect(questionsOf(definition).map((q: Any) => q.key)).toEqual(['t']);
    expect(report).toContainEqual(expect.objectContaining({ row: 2, messageKey: 'rankTooMany' }));
    expect(report).toContainEqual(
      expect.objectContaining({
        row: 3,
        messageKey: 'listNotFound',
        vars: { name: 's', list: 'nowhere' },
      }),
    );
  });

  it('reports metadata as not collected, and every unsupported type, never dropping them silently', () => {
    const { definition, report } = convert(
      sheet(
        HEAD,
        ['start', 'start'],
        ['deviceid', 'device'],
        ['calculate', 'calc'],
        ['geopoint', 'where', 'Where are you?'],
        ['date', 'when', 'When?'],
        ['select_one_from_file places.csv', 'place', 'Place'],
        ['text', 'kept', 'Kept'],
      ),
    );
    expect(questionsOf(definition).map((q: Any) => q.key)).toEqual(['kept']);
    expect(report.map((r) => [r.row, r.messageKey])).toEqual([
      [2, 'metadata'],
      [3, 'metadata'],
      [4, 'metadata'],
      [5, 'unsupportedType'],
      [6, 'unsupportedType'],
      [7, 'unsupportedType'],
    ]);
  });

  it('skips the rows of a repeat, each reported', () => {
    const { definition, report } = convert(
      sheet(
        HEAD,
        ['begin repeat', 'children', 'Children'],
        ['text', 'child_name', 'Name'],
        ['end repeat'],
        ['text', 'kept', 'Kept'],
      ),
    );
    expect(questionsOf(definition).map((q: Any) => q.key)).toEqual(['kept']);
    expect(report.map((r) => [r.row, r.messageKey])).toEqual([
      [2, 'repeat'],
      [3, 'insideRepeat'],
    ]);
  });
});

describe('XLSForm conversion: sections', () => {
  it('makes a section for questions outside groups, titled like the form, and flattens nested groups', () => {
    const { definition, report } = convert(
      sheet(
        HEAD,
        ['text', 'first', 'First'],
        ['begin_group', 'g', 'Group'],
        ['text', 'a', 'A'],
        ['begin group', 'inner', 'Inner'],
        ['text', 'b', 'B'],
        ['end group'],
        ['end_group'],
        ['text', 'last', 'Last'],
      ),
    );
    expect(
      sectionsOf(definition).map((s) => [s.key, s.title.en, s.questions.map((q: Any) => q.key)]),
    ).toEqual([
      ['questions', 'A test form', ['first']],
      ['g', 'Group', ['a', 'b']],
      ['questions_2', 'A test form', ['last']],
    ]);
    expect(report).toContainEqual(expect.objectContaining({ row: 5, messageKey: 'nestedGroup' }));
  });

  it('reports a group left empty and drops it', () => {
    const { definition, report } = convert(
      sheet(
        HEAD,
        ['begin group', 'meta', 'Meta'],
        ['start', 'start'],
        ['end group'],
        ['text', 'a', 'A'],
      ),
    );
    expect(sectionsOf(definition).map((s) => s.key)).toEqual(['questions']);
    expect(report).toContainEqual(expect.objectContaining({ row: 2, messageKey: 'emptyGroup' }));
  });
});

describe('XLSForm conversion: languages', () => {
  const survey = sheet(
    [
      'type',
      'name',
      'label::English (en)',
      'label::Polski (pl)',
      'label::Klingon (tlh)',
      'hint::Polski (pl)',
    ],
    ['select_one yn', 'q', 'Question', 'Pytanie', 'nuqneH', 'Wskazówka'],
  );
  const choices = sheet(
    ['list_name', 'name', 'label::English (en)', 'label::Polski (pl)'],
    ['yn', 'yes', 'Yes', 'Tak'],
    ['yn', 'no', 'No', 'Nie'],
  );

  it('takes texts per language from label::Name (xx) columns and reports unknown codes once', () => {
    const settings = sheet(
      ['form_id', 'form_title::English (en)', 'form_title::Polski (pl)', 'default_language'],
      ['form', 'Form', 'Formularz', 'Polski (pl)'],
    );
    const { definition, report } = convertXlsForm({ survey, choices, settings }, EXTRAS);
    expect(definition).toMatchObject({
      languages: ['pl', 'en'],
      defaultLanguage: 'pl',
      title: { en: 'Form', pl: 'Formularz' },
      purpose: { pl: EXTRAS.purpose },
    });
    const [q] = questionsOf(definition);
    expect(q.text).toEqual({ en: 'Question', pl: 'Pytanie' });
    expect(q.help).toEqual({ pl: 'Wskazówka' });
    expect(q.options[0].label).toEqual({ en: 'Yes', pl: 'Tak' });
    expect(report.filter((r) => r.messageKey === 'unknownLanguage')).toEqual([
      {
        sheet: 'survey',
        row: 2,
        messageKey: 'unknownLanguage',
        vars: { column: 'label::Klingon (tlh)' },
      },
    ]);
    const checked = validateQuestionnaire(definition, { draft: true });
    expect(checked.ok ? [] : checked.errors).toEqual([]);
  });

  it('without default_language, the first language found is the default', () => {
    const { definition } = convertXlsForm({ survey, choices, settings: [] }, EXTRAS);
    expect(definition).toMatchObject({ languages: ['en', 'pl'], defaultLanguage: 'en' });
  });

  it('a plain label column belongs to the default language', () => {
    const { definition } = convertXlsForm(
      {
        survey: sheet(
          ['type', 'name', 'label', 'label::Deutsch (de)'],
          ['text', 'q', 'Frage?', ''],
        ),
        choices: [],
        settings: sheet(['form_id', 'default_language'], ['f', 'Deutsch (de)']),
      },
      EXTRAS,
    );
    expect(definition).toMatchObject({ languages: ['de'], defaultLanguage: 'de' });
    expect(questionsOf(definition)[0].text).toEqual({ de: 'Frage?' });
  });

  it('reports a default language that the form does not use', () => {
    const { definition, report } = convertXlsForm(
      { survey, choices, settings: sheet(['default_language'], ['Français (fr)']) },
      EXTRAS,
    );
    expect(definition.defaultLanguage).toBe('en');
    expect(report).toContainEqual({
      sheet: 'settings',
      row: 2,
      messageKey: 'defaultLanguageUnknown',
      vars: { value: 'Français (fr)', used: 'en' },
    });
  });
});

describe('XLSForm conversion: keys', () => {
  it('lower-cases names, turns - and . into _, prefixes what does not start with a letter, reports each', () => {
    const choices = sheet(['list_name', 'name', 'label'], ['n', '1', 'One'], ['n', '2', 'Two']);
    const { definition, report } = convert(
      sheet(
        HEAD,
        ['text', 'Full-Name.x', 'A'],
        ['text', '2nd', 'B'],
        ['text', 'full_name_x', 'C'],
        ['select_one n', 'num', 'D'],
      ),
      { choices },
    );
    const questions = questionsOf(definition);
    expect(questions.map((q: Any) => q.key)).toEqual([
      'full_name_x',
      'q_2nd',
      'full_name_x_2',
      'num',
    ]);
    expect(questions[3].options.map((o: Any) => o.key)).toEqual(['c_1', 'c_2']);
    expect(report).toContainEqual({
      sheet: 'survey',
      row: 2,
      messageKey: 'renamed',
      vars: { name: 'Full-Name.x', key: 'full_name_x' },
    });
    expect(report).toContainEqual({
      sheet: 'survey',
      row: 4,
      messageKey: 'duplicateKey',
      vars: { name: 'full_name_x', key: 'full_name_x_2' },
    });
    expect(report).toContainEqual(
      expect.objectContaining({ sheet: 'choices', row: 2, messageKey: 'renamed' }),
    );
  });

  it('makes a slug of the form_id, or of the file name when there is none', () => {
    const one = convertXlsForm(
      {
        survey: sheet(HEAD, ['text', 'a', 'A']),
        choices: [],
        settings: sheet(['form_id'], ['My Form_2026']),
      },
      EXTRAS,
    );
    expect(one.definition.slug).toBe('my-form-2026');
    const two = convertXlsForm(
      { survey: sheet(HEAD, ['text', 'a', 'A']), choices: [], settings: [] },
      { ...EXTRAS, fallbackSlug: 'genomics survey' },
    );
    expect(two.definition.slug).toBe('genomics-survey');
    expect(keysIn(two.report)).toEqual(['missingFormId', 'missingTitle']);
  });
});

describe('XLSForm conversion: relevant', () => {
  const choices = sheet(
    ['list_name', 'name', 'label'],
    ['yn', 'yes', 'Yes'],
    ['yn', 'no', 'No'],
    ['yn', 'maybe', 'Maybe'],
  );
  /** The tested questions in a first section, the conditional one in a second. */
  function withRelevant(relevant: string, testedType = 'select_one yn') {
    return convert(
      sheet(
        HEAD,
        ['begin group', 'first', 'First'],
        [testedType, 'tested', 'Tested'],
        ['select_multiple yn', 'multi', 'Multi'],
        ['text', 'free', 'Free'],
        ['end group'],
        ['begin group', 'second', 'Second'],
        ['note', 'shown', 'Shown?', '', '', relevant],
        ['end group'],
      ),
      { choices },
    );
  }
  const conditionOf = (relevant: string) =>
    questionsOf(withRelevant(relevant).definition).find((q: Any) => q.key === 'shown').condition;

  it.each([
    ["${tested} = 'yes'", { question: 'tested', anyOf: ['yes'] }],
    ['${tested}="yes"', { question: 'tested', anyOf: ['yes'] }],
    ["${tested} != 'no'", { question: 'tested', noneOf: ['no'] }],
    ["selected(${multi}, 'yes')", { question: 'multi', anyOf: ['yes'] }],
    ["not(selected( ${multi} , 'no' ))", { question: 'multi', noneOf: ['no'] }],
    ["${tested} = 'yes' or ${tested} = 'maybe'", { question: 'tested', anyOf: ['yes', 'maybe'] }],
    [
      "(selected(${multi}, 'yes') or selected(${multi}, 'maybe'))",
      { question: 'multi', anyOf: ['yes', 'maybe'] },
    ],
    ["${tested} != 'no' and ${tested} != 'maybe'", { question: 'tested', noneOf: ['no', 'maybe'] }],
  ])('%s becomes a condition', (relevant, condition) => {
    expect(conditionOf(relevant)).toEqual(condition);
    expect(validateQuestionnaire(withRelevant(relevant).definition, { draft: true })).toMatchObject(
      {
        ok: true,
      },
    );
  });

  it.each([
    ["${tested} = 'yes' and ${multi} = 'no'"],
    ["${tested} = 'yes' and ${tested} = 'no'"],
    ["${tested} != 'yes' or ${tested} != 'no'"],
    ['string-length(${free}) > 0'],
    ["${tested} = 'yes' or selected(${multi}, 'no')"],
    ["${tested} = 'yes' or ${tested} = 'no' and ${tested} = 'maybe'"],
  ])('%s is not understood: the question is imported without a condition, reported', (relevant) => {
    const { definition, report } = withRelevant(relevant);
    expect(questionsOf(definition).find((q: Any) => q.key === 'shown').condition).toBeUndefined();
    expect(report).toContainEqual({
      sheet: 'survey',
      row: 8,
      messageKey: 'relevantNotUnderstood',
      vars: { name: 'shown', expression: relevant },
    });
  });

  it.each([
    ["${tested} = 'perhaps'", 'relevantUnknownValue'],
    ["${nobody} = 'yes'", 'relevantUnknownQuestion'],
    ["${free} = 'yes'", 'relevantNotTestable'],
  ])('%s cannot be a condition (%s)', (relevant, messageKey) => {
    const { definition, report } = withRelevant(relevant);
    expect(questionsOf(definition).find((q: Any) => q.key === 'shown').condition).toBeUndefined();
    expect(keysIn(report)).toContain(messageKey);
  });

  it('a condition on a number is reported, since conditions test bands', () => {
    const { definition, report } = withRelevant('${tested} = 1', 'integer');
    expect(questionsOf(definition).find((q: Any) => q.key === 'shown').condition).toBeUndefined();
    expect(keysIn(report)).toContain('relevantNumber');
  });

  it('a condition on the same page is reported: it could only test an earlier section', () => {
    const { definition, report } = convert(
      sheet(HEAD, ['select_one yn', 'a', 'A'], ['text', 'b', 'B', '', '', "${a} = 'yes'"]),
      { choices },
    );
    expect(questionsOf(definition)[1].condition).toBeUndefined();
    expect(report).toContainEqual(
      expect.objectContaining({ row: 3, messageKey: 'relevantNotEarlier' }),
    );
  });

  it("a group's condition applies to each of its questions; a question's own one wins, reported", () => {
    const { definition, report } = convert(
      sheet(
        HEAD,
        ['select_one yn', 'a', 'A'],
        ['select_one yn', 'b', 'B'],
        ['begin group', 'g', 'G', '', '', "${a} = 'yes'"],
        ['text', 'c', 'C'],
        ['text', 'd', 'D', '', '', "${b} = 'no'"],
        ['end group'],
      ),
      { choices },
    );
    const [, , c, d] = questionsOf(definition);
    expect(c.condition).toEqual({ question: 'a', anyOf: ['yes'] });
    expect(d.condition).toEqual({ question: 'b', anyOf: ['no'] });
    expect(report).toContainEqual({
      sheet: 'survey',
      row: 6,
      messageKey: 'conditionsNotCombined',
      vars: { name: 'd', expression: "${a} = 'yes'" },
    });
  });

  it('maps choice names in conditions to their keys', () => {
    const numbered = sheet(['list_name', 'name', 'label'], ['n', '1', 'One'], ['n', '2', 'Two']);
    const { definition } = convert(
      sheet(
        HEAD,
        ['select_one n', 'a', 'A'],
        ['begin group', 'g', 'G'],
        ['text', 'b', 'B', '', '', '${a} = 1'],
        ['end group'],
      ),
      { choices: numbered },
    );
    expect(questionsOf(definition)[1].condition).toEqual({ question: 'a', anyOf: ['c_1'] });
  });
});

describe('XLSForm conversion: other columns', () => {
  it('reports choice filters, constraints it does not check, and required it does not understand', () => {
    const { report } = convert(
      sheet(
        [...HEAD, 'choice_filter'],
        ['select_one yn', 'a', 'A', '', '${x} = 1', '', '', '', "name != 'no'"],
        ['text', 'b', 'B', '', '', '', 'regex(., "^[a-z]+$")'],
      ),
    );
    expect(report.map((r) => [r.row, r.messageKey])).toEqual([
      [2, 'choiceFilterIgnored'],
      [2, 'requiredNotUnderstood'],
      [3, 'constraintIgnored'],
    ]);
  });

  it('skips questions without a label or a name, and reports them', () => {
    const { definition, report } = convert(
      sheet(HEAD, ['text', 'nolabel'], ['text', '', 'No name'], ['text', 'ok', 'OK']),
    );
    expect(questionsOf(definition).map((q: Any) => q.key)).toEqual(['ok']);
    expect(keysIn(report)).toEqual(['missingLabel', 'missingName']);
  });
});

describe('XLSForm expressions', () => {
  it('reads simple number bounds', () => {
    expect(parseBounds('. >= 18 and . <= 120')).toEqual({ min: 18, max: 120 });
    expect(parseBounds('(.>17) and (.<121)')).toEqual({ min: 18, max: 120 });
    expect(parseBounds('. <= 10')).toEqual({ max: 10 });
    expect(parseBounds('. >= 18 or . <= 120')).toBeUndefined();
    expect(parseBounds('. != 5')).toBeUndefined();
  });

  it('keeps quotes inside values', () => {
    expect(parseRelevant(`\${q} = "it's"`)).toEqual({ name: 'q', mode: 'anyOf', values: ["it's"] });
  });
});
