import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { questionSchema, type Question } from '../../src/domain/question-types/registry-schema.js';
import { QUESTION_TYPES, typeOf } from '../../src/domain/question-types/registry.js';
import type { Answer, FormValues } from '../../src/domain/question-types/types.js';

const en = (text: string) => ({ en: text });
const options = (...keys: string[]) => keys.map((key) => ({ key, label: en(key) }));

/** A question as the schema reads it (defaults filled in). */
function question(definition: Record<string, unknown>): Question {
  return questionSchema.parse({ text: en('Question'), ...definition });
}

const parse = (q: Question, form: FormValues) => typeOf(q).parse(q, form);
const toForm = (q: Question, answer: Answer) => typeOf(q).toForm(q, answer);
const store = (q: Question, answer: Answer) => typeOf(q).store(q, answer);

const priorTest = question({
  key: 'prior_test',
  type: 'single-choice',
  required: true,
  options: options('yes', 'no', 'not_sure'),
});
const measures = question({
  key: 'measures',
  type: 'multi-choice',
  required: true,
  min: 2,
  max: 3,
  options: [
    ...options('oversight', 'withdraw', 'sanctions', 'published'),
    { key: 'none', label: en('None of these'), exclusive: true },
  ],
});
const benefit = question({
  key: 'benefit',
  type: 'likert',
  required: true,
  scale: {
    points: options('disagree', 'neither', 'agree'),
    dontKnow: { key: 'dont_know', label: en("Don't know") },
  },
});
const trust = question({
  key: 'trust',
  type: 'likert-matrix',
  required: true,
  rows: options('doctors', 'pharma', 'government'),
  scale: {
    points: options('none', 'some', 'full'),
    dontKnow: { key: 'dont_know', label: en("Don't know") },
  },
});
const optionalTrust = question({ ...trust, key: 'optional_trust', required: false });
const consent = question({
  key: 'consent',
  type: 'consent-matrix',
  required: true,
  purposes: [
    { key: 'own_care', label: en('Own care'), duo: 'DUO:0000043' },
    { key: 'research', label: en('Research') },
  ],
  choices: options('opt_in', 'opt_out', 'never'),
});
const ranking = question({
  key: 'priorities',
  type: 'ranking',
  options: options('privacy', 'benefit', 'control', 'speed'),
});
const requiredRanking = question({ ...ranking, key: 'required_priorities', required: true });
const age = question({
  key: 'age',
  type: 'number',
  required: true,
  min: 16,
  max: 120,
  bands: [
    { key: 'age_16_34', min: 16, max: 34 },
    { key: 'age_35_44', min: 35, max: 44 },
    { key: 'age_45_plus', min: 45, max: 120 },
  ],
});
const comments = question({
  key: 'comments',
  type: 'text',
  required: true,
  maxLength: 40,
  multiline: true,
});
const note = question({ key: 'note', type: 'info' });

describe('every question type', () => {
  it('is registered', () => {
    expect([...QUESTION_TYPES].sort()).toEqual([
      'consent-matrix',
      'info',
      'likert',
      'likert-matrix',
      'multi-choice',
      'number',
      'ranking',
      'single-choice',
      'text',
    ]);
  });

  it.each(
    [
      [priorTest, 'errors.required_choice', 'prior_test'],
      [measures, 'errors.required_multi', 'measures'],
      [benefit, 'errors.required_choice', 'benefit'],
      [trust, 'errors.required_row', 'trust.doctors'],
      [consent, 'errors.required_row', 'consent.own_care'],
      [requiredRanking, 'errors.ranking_incomplete', 'required_priorities.privacy'],
      [age, 'errors.required_number', 'age'],
      [comments, 'errors.required_text', 'comments'],
    ].map(
      ([q, message, field]) =>
        [(q as Question).type, message as string, field as string, q as Question] as const,
    ),
  )('a required %s question left blank gives %s on field %s', (_type, message, field, q) => {
    for (const form of [{}, { [field]: '' }, { [field]: '   ' }]) {
      const outcome = parse(q, form);
      expect(outcome.answer).toBeUndefined();
      expect(outcome.errors[0]).toMatchObject({ field, message });
    }
  });

  it.each(
    [priorTest, measures, benefit, trust, consent, ranking, age, comments].map(
      (q) => [q.type, q] as const,
    ),
  )('an optional %s question left blank gives no answer and no error', (_type, q) => {
    expect(parse({ ...q, required: false }, {})).toEqual({ answer: undefined, errors: [] });
  });

  it('the error carries the question text so the view can name it', () => {
    expect(parse(priorTest, {}).errors[0]?.vars).toMatchObject({ question: en('Question') });
  });
});

describe('single choice', () => {
  it('accepts one of its options, trimmed', () => {
    expect(parse(priorTest, { prior_test: ' no ' })).toEqual({ answer: 'no', errors: [] });
  });

  it('rejects a key that is not one of its options', () => {
    expect(parse(priorTest, { prior_test: 'maybe' }).errors).toEqual([
      expect.objectContaining({ field: 'prior_test', message: 'errors.invalid_option' }),
    ]);
  });

  it('rejects the field sent twice, even with valid values', () => {
    const outcome = parse(priorTest, { prior_test: ['yes', 'no'] });
    expect(outcome.answer).toBeUndefined();
    expect(outcome.errors).toEqual([
      expect.objectContaining({ field: 'prior_test', message: 'errors.invalid_option' }),
    ]);
  });

  it('stores the option key', () => {
    expect(store(priorTest, 'not_sure')).toEqual([{ item: '', value: 'not_sure' }]);
  });
});

describe('multi choice', () => {
  it('keeps the chosen options in the order of the definition, without repeats', () => {
    const outcome = parse(measures, { measures: ['sanctions', 'oversight', 'sanctions'] });
    expect(outcome).toEqual({ answer: ['oversight', 'sanctions'], errors: [] });
  });

  it('rejects an unknown option', () => {
    expect(parse(measures, { measures: ['oversight', 'bribes'] }).errors[0]).toMatchObject({
      field: 'measures',
      message: 'errors.invalid_option',
    });
  });

  it('rejects fewer than min choices, telling how many are needed', () => {
    expect(parse(measures, { measures: 'oversight' }).errors[0]).toMatchObject({
      message: 'errors.multi_min',
      vars: { min: 2 },
    });
  });

  it('rejects more than max choices, telling the limit', () => {
    const outcome = parse(measures, {
      measures: ['oversight', 'withdraw', 'sanctions', 'published'],
    });
    expect(outcome.errors[0]).toMatchObject({ message: 'errors.multi_max', vars: { max: 3 } });
  });

  it('accepts an exclusive "none of these" on its own, even below min', () => {
    expect(parse(measures, { measures: 'none' })).toEqual({ answer: ['none'], errors: [] });
  });

  it('rejects an exclusive option combined with another, naming the exclusive option', () => {
    expect(parse(measures, { measures: ['oversight', 'none'] }).errors[0]).toMatchObject({
      message: 'errors.multi_exclusive',
      vars: { option: en('None of these') },
    });
  });

  it('stores one row per chosen option', () => {
    expect(store(measures, ['oversight', 'published'])).toEqual([
      { item: '', value: 'oversight' },
      { item: '', value: 'published' },
    ]);
  });
});

describe('likert', () => {
  it('accepts a point of the scale and "don\'t know"', () => {
    expect(parse(benefit, { benefit: 'agree' }).answer).toBe('agree');
    expect(parse(benefit, { benefit: 'dont_know' })).toEqual({ answer: 'dont_know', errors: [] });
  });

  it('rejects "don\'t know" when the scale does not offer it', () => {
    const noDontKnow = question({ ...benefit, scale: { points: options('disagree', 'agree') } });
    expect(parse(noDontKnow, { benefit: 'dont_know' }).errors[0]?.message).toBe(
      'errors.invalid_option',
    );
  });

  it('rejects repeated values', () => {
    expect(parse(benefit, { benefit: ['agree', 'agree'] }).errors[0]?.message).toBe(
      'errors.invalid_option',
    );
  });
});

describe.each([
  ['likert matrix', trust, ['doctors', 'pharma', 'government'], 'some'],
  ['consent matrix', consent, ['own_care', 'research'], 'opt_in'],
])('%s', (_name, q, rows, valid) => {
  const field = (row: string) => `${q.key}.${row}`;

  it('reads one answer per row', () => {
    const form = Object.fromEntries(rows.map((row) => [field(row), valid]));
    expect(parse(q, form)).toEqual({
      answer: Object.fromEntries(rows.map((row) => [row, valid])),
      errors: [],
    });
  });

  it('when required, reports every unanswered row on its own field', () => {
    const [first, ...rest] = rows as [string, ...string[]];
    const outcome = parse(q, { [field(first)]: valid });
    expect(outcome.answer).toBeUndefined();
    expect(outcome.errors).toEqual(
      rest.map((row) =>
        expect.objectContaining({ field: field(row), message: 'errors.required_row' }),
      ),
    );
  });

  it('reports an invalid value on the row it was sent for', () => {
    const form = Object.fromEntries(rows.map((row) => [field(row), valid]));
    const last = rows[rows.length - 1] as string;
    form[field(last)] = 'whatever';
    expect(parse(q, form).errors).toEqual([
      expect.objectContaining({ field: field(last), message: 'errors.invalid_option' }),
    ]);
  });

  it('reports a row sent twice as invalid', () => {
    const form: FormValues = Object.fromEntries(rows.map((row) => [field(row), valid]));
    form[field(rows[0] as string)] = [valid, valid];
    expect(parse(q, form).errors).toEqual([
      expect.objectContaining({
        field: field(rows[0] as string),
        message: 'errors.invalid_option',
      }),
    ]);
  });

  it('stores one row per answered item', () => {
    expect(store(q, { [rows[0] as string]: valid })).toEqual([{ item: rows[0], value: valid }]);
  });
});

describe('optional likert matrix', () => {
  it('keeps the rows that were answered and skips the others', () => {
    expect(parse(optionalTrust, { 'optional_trust.pharma': 'dont_know' })).toEqual({
      answer: { pharma: 'dont_know' },
      errors: [],
    });
  });

  it('still rejects an invalid row', () => {
    const outcome = parse(optionalTrust, {
      'optional_trust.pharma': 'some',
      'optional_trust.government': 'lots',
    });
    expect(outcome.answer).toBeUndefined();
    expect(outcome.errors).toEqual([
      expect.objectContaining({
        field: 'optional_trust.government',
        message: 'errors.invalid_option',
      }),
    ]);
  });
});

describe('ranking', () => {
  const form = (ranks: Record<string, string>) =>
    Object.fromEntries(Object.entries(ranks).map(([key, rank]) => [`priorities.${key}`, rank]));

  it('accepts every option ranked with distinct ranks', () => {
    expect(parse(ranking, form({ privacy: '2', benefit: '4', control: '1', speed: '3' }))).toEqual({
      answer: { privacy: 2, benefit: 4, control: 1, speed: 3 },
      errors: [],
    });
  });

  it("rejects a partial ranking, on the first option's field", () => {
    expect(parse(ranking, form({ privacy: '1', benefit: '2' })).errors).toEqual([
      expect.objectContaining({
        field: 'priorities.privacy',
        message: 'errors.ranking_incomplete',
      }),
    ]);
  });

  it('rejects two options with the same rank', () => {
    expect(
      parse(ranking, form({ privacy: '1', benefit: '1', control: '2', speed: '3' })).errors[0]
        ?.message,
    ).toBe('errors.ranking_duplicate');
  });

  it.each(['0', '5', '-1', 'first', '1.5'])('rejects the rank %s for four options', (rank) => {
    expect(
      parse(ranking, form({ privacy: rank, benefit: '1', control: '2', speed: '3' })).errors[0]
        ?.message,
    ).toBe('errors.invalid_option');
  });

  it('stores one row per option with its rank', () => {
    expect(store(ranking, { privacy: 2, benefit: 1 })).toEqual([
      { item: 'privacy', value: '2' },
      { item: 'benefit', value: '1' },
    ]);
  });
});

describe('number', () => {
  it.each([
    ['37', 37],
    [' 37 ', 37],
    ['٣٧', 37],
    ['۳۷', 37],
    ['1\u00A020', 120],
    ['16', 16],
  ])('reads %j as %d', (typed, value) => {
    expect(parse(age, { age: typed })).toEqual({ answer: value, errors: [] });
  });

  it.each(['37.5', '37,5', '3e1', 'thirty', '0x25', '--37'])(
    'rejects %j as not a whole number',
    (typed) => {
      expect(parse(age, { age: typed }).errors).toEqual([
        expect.objectContaining({ field: 'age', message: 'errors.number_format' }),
      ]);
    },
  );

  it.each(['15', '121', '-37', '999999999'])(
    'rejects %s as outside 16–120, telling the range',
    (typed) => {
      expect(parse(age, { age: typed }).errors).toEqual([
        expect.objectContaining({
          field: 'age',
          message: 'errors.number_range',
          vars: expect.objectContaining({ min: 16, max: 120 }),
        }),
      ]);
    },
  );

  it('rejects the field sent twice', () => {
    expect(parse(age, { age: ['37', '38'] }).errors[0]?.message).toBe('errors.number_format');
  });

  it('stores only the band: 37 becomes the 35–44 band key, never "37"', () => {
    const rows = store(age, 37);
    expect(rows).toEqual([{ item: '', value: 'age_35_44' }]);
    expect(JSON.stringify(rows)).not.toContain('37');
  });

  it('stores the band at each band boundary', () => {
    expect(store(age, 34)).toEqual([{ item: '', value: 'age_16_34' }]);
    expect(store(age, 35)).toEqual([{ item: '', value: 'age_35_44' }]);
    expect(store(age, 120)).toEqual([{ item: '', value: 'age_45_plus' }]);
  });

  it('conditions see the band, not the number', () => {
    expect(typeOf(age).conditionValues(age, 50, undefined)).toEqual(['age_45_plus']);
  });
});

describe('free text', () => {
  it('keeps ordinary text and normalises Windows line breaks', () => {
    expect(parse(comments, { comments: 'Line one\r\nLine two' })).toEqual({
      answer: 'Line one\nLine two',
      errors: [],
    });
  });

  it('rejects text longer than maxLength, counting characters not bytes', () => {
    expect(parse(comments, { comments: 'ż'.repeat(40) }).errors).toEqual([]);
    expect(parse(comments, { comments: '🧬'.repeat(40) }).errors).toEqual([]);
    expect(parse(comments, { comments: 'a'.repeat(41) }).errors).toEqual([
      expect.objectContaining({
        field: 'comments',
        message: 'errors.text_too_long',
        vars: expect.objectContaining({ max: 40 }),
      }),
    ]);
  });

  it('redacts e-mail addresses, phone numbers and long digit runs as it reads them', () => {
    const long = question({ key: 'comments', type: 'text' });
    const outcome = parse(long, {
      comments: 'Mail jan@example.org, call +48 601 234 567, PESEL 85010112345.',
    });
    expect(outcome.answer).not.toMatch(/jan@example\.org|601|85010112345/);
    expect(outcome.answer).toContain('[email]');
    expect(outcome.answer).toContain('[phone]');
  });

  it('removes control characters but keeps line breaks and tabs', () => {
    expect(parse(comments, { comments: 'a\u0000b\u0007c\u001Bd\n\te' }).answer).toBe('abcd\n\te');
  });

  it('rejects the field sent twice', () => {
    expect(parse(comments, { comments: ['a', 'b'] }).errors[0]?.message).toBe(
      'errors.invalid_input',
    );
  });

  it('an accepted text is still accepted when the saved draft is shown and sent again', () => {
    const typed = `${'a'.repeat(35)}12345`;
    const first = parse(comments, { comments: typed });
    expect(first.errors).toEqual([]);
    expect(parse(comments, toForm(comments, first.answer as Answer))).toEqual(first);
  });
});

describe('info block', () => {
  it('reads no field and stores nothing', () => {
    expect(typeOf(note).answerable).toBe(false);
    expect(typeOf(note).fields(note)).toEqual([]);
    expect(parse(note, { note: 'anything' })).toEqual({ answer: undefined, errors: [] });
    expect(store(note, 'anything')).toEqual([]);
  });
});

describe('a saved answer shown again and sent back is read as the same answer', () => {
  const roundTrip = (q: Question, answer: Answer) => parse(q, toForm(q, answer));

  it('single choice', () => {
    fc.assert(
      fc.property(fc.constantFrom('yes', 'no', 'not_sure'), (answer) => {
        expect(roundTrip(priorTest, answer)).toEqual({ answer, errors: [] });
      }),
    );
  });

  it('multi choice', () => {
    const ordinary = ['oversight', 'withdraw', 'sanctions', 'published'];
    const valid = fc.oneof(
      fc.subarray(ordinary, { minLength: 2, maxLength: 3 }),
      fc.constant<string[]>(['none']),
    );
    fc.assert(
      fc.property(valid, (answer) => {
        expect(roundTrip(measures, answer)).toEqual({ answer, errors: [] });
      }),
    );
  });

  it('likert', () => {
    fc.assert(
      fc.property(fc.constantFrom('disagree', 'neither', 'agree', 'dont_know'), (answer) => {
        expect(roundTrip(benefit, answer)).toEqual({ answer, errors: [] });
      }),
    );
  });

  it('likert matrix, required and optional', () => {
    const point = fc.constantFrom('none', 'some', 'full', 'dont_know');
    const full = fc.record({ doctors: point, pharma: point, government: point });
    const partial = fc.record(
      { doctors: point, pharma: point, government: point },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(full, (answer) => {
        expect(roundTrip(trust, answer)).toEqual({ answer, errors: [] });
      }),
    );
    fc.assert(
      fc.property(partial, (answer) => {
        const expected = Object.keys(answer).length > 0 ? answer : undefined;
        expect(roundTrip(optionalTrust, answer)).toEqual({ answer: expected, errors: [] });
      }),
    );
  });

  it('consent matrix', () => {
    const choice = fc.constantFrom('opt_in', 'opt_out', 'never');
    fc.assert(
      fc.property(fc.record({ own_care: choice, research: choice }), (answer) => {
        expect(roundTrip(consent, answer)).toEqual({ answer, errors: [] });
      }),
    );
  });

  it('ranking', () => {
    const keys = ['privacy', 'benefit', 'control', 'speed'];
    const permutation = fc.shuffledSubarray([1, 2, 3, 4], { minLength: 4, maxLength: 4 });
    fc.assert(
      fc.property(permutation, (ranks) => {
        const answer = Object.fromEntries(keys.map((key, i) => [key, ranks[i] as number]));
        expect(roundTrip(ranking, answer)).toEqual({ answer, errors: [] });
      }),
    );
  });

  it('number, and the stored band always contains the number', () => {
    fc.assert(
      fc.property(fc.integer({ min: 16, max: 120 }), (answer) => {
        expect(roundTrip(age, answer)).toEqual({ answer, errors: [] });
        const [row, ...more] = store(age, answer);
        expect(more).toEqual([]);
        const band = (age as Extract<Question, { type: 'number' }>).bands.find(
          (b) => b.key === row?.value,
        );
        expect(band).toBeDefined();
        expect(answer).toBeGreaterThanOrEqual(band!.min);
        expect(answer).toBeLessThanOrEqual(band!.max);
      }),
    );
  });

  it('text without anything to redact', () => {
    const plain = fc.string({
      unit: fc.constantFrom(...'abc xyz.,!?éżش\n'),
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(
        plain.filter((s) => s.trim() !== ''),
        (typed) => {
          const first = parse(comments, { comments: typed });
          expect(roundTrip(comments, first.answer as Answer)).toEqual(first);
        },
      ),
    );
  });
});
