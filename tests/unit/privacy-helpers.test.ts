import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bandCoverageProblems, bandFor } from '../../src/domain/banding.js';
import { hashCode, newCode, newToken, normaliseCode } from '../../src/domain/codes.js';
import { isoWeek } from '../../src/domain/iso-week.js';
import { redact } from '../../src/domain/redaction.js';
import { fromAcceptLanguage } from '../../src/web/i18n.js';

const messages = (...args: Parameters<typeof bandCoverageProblems>) =>
  bandCoverageProblems(...args).map((p) => p.message);

/** Something that looks like an e-mail address to a person reading an export. */
const EMAIL_LIKE = /[^\s@[\]]+@[^\s@[\]]+\.[^\s@[\]]{2,}/u;

describe('redacting free text', () => {
  it.each([
    ['jan.kowalski@example.org'],
    ['user.name+tag@sub.example.co.uk'],
    ['anna@müller.de'],
    ['zoë@bücher.example'],
    ['ahmed@مثال.مصر'],
    ['δοκιμή@παράδειγμα.δοκιμή'],
  ])('removes the e-mail address %s', (address) => {
    expect(redact(`Write to ${address} please`)).toBe('Write to [email] please');
  });

  it.each([
    ['+48 601 234 567'],
    ['(030) 1234-5678'],
    ['0049-30-123456'],
    ['+44 20 7946 0958'],
    ['06 12 34 56 78'],
    ['+1 (555) 123-4567'],
    ['601.234.567'],
  ])('removes the phone number %s', (phone) => {
    expect(redact(`Call ${phone} tomorrow`)).toBe('Call [phone] tomorrow');
  });

  it('removes a long digit run like a PESEL, so no national id is stored', () => {
    const out = redact('My PESEL is 85010112345.');
    expect(out).not.toContain('85010112345');
    expect(out).toMatch(/^My PESEL is \[(number|phone)\]\.$/);
  });

  it("removes an IBAN's digits", () => {
    expect(redact('Account PL61109010140000071219812874')).not.toMatch(/\d{5,}/);
  });

  it.each([
    ['In 2024 I had a genetic test.'],
    ['I have 3 children and 2 grandchildren.'],
    ['Between 18 and 65, about 40% agree.'],
    ['Postcode 00-950 Warszawa'],
    ['Ich finde, dass die Daten geschützt werden müssen.'],
    ['يجب حماية البيانات الجينية'],
    ['Line one\nLine two\twith a tab'],
    ['Write me at home, not @work.'],
  ])('keeps ordinary text unchanged: %j', (text) => {
    expect(redact(text)).toBe(text);
  });

  it('removes control characters that could garble an export', () => {
    expect(redact('a\u0000b\u0008c\u001Bd\u007Fe')).toBe('abcde');
  });

  it('never lets an e-mail address or a run of 7 digits through, whatever surrounds them', () => {
    const word = fc.stringMatching(/^[a-zA-Zäöüßąęł ,.!?()-]{0,12}$/);
    const phone = fc
      .array(fc.integer({ min: 0, max: 9 }), { minLength: 7, maxLength: 15 })
      .chain((digits) =>
        fc
          .array(fc.constantFrom('', ' ', '-', '.', '/'), {
            minLength: digits.length,
            maxLength: digits.length,
          })
          .map((seps) => `+${digits.map((d, i) => `${d}${seps[i]}`).join('')}`),
      );
    // Local parts as people have them (RFC oddities like "!#$" alone are out of scope).
    const local = fc.stringMatching(/^[a-z0-9äöüéłż][a-z0-9äöüéłż._%+-]{0,15}$/);
    const email = fc.tuple(local, fc.domain()).map(([user, domain]) => `${user}@${domain}`);
    const piece = fc.oneof(word, email, phone, fc.stringMatching(/^\d{5,20}$/));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const out = redact(pieces.join(' '));
        expect(out).not.toMatch(EMAIL_LIKE);
        expect(out).not.toMatch(/\d{7,}/);
      }),
    );
  });

  it('never leaves five or more consecutive ASCII digits in any text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        expect(redact(text)).not.toMatch(/[0-9]{5,}/);
      }),
    );
  });

  it('is stable: redacting twice changes nothing more', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (text) => {
        expect(redact(redact(text))).toBe(redact(text));
      }),
    );
  });

  it('removes a phone number typed in Arabic-Indic or full-width digits', () => {
    expect(redact('اتصل بي على ٠٦٠١٢٣٤٥٦٧')).not.toMatch(/\p{Nd}{7,}/u);
    expect(redact('PESEL ８５０１０１１２３４５')).not.toMatch(/\p{Nd}{7,}/u);
  });
});

describe('ISO week, the only time stored with a response', () => {
  it.each([
    ['2026-01-01', '2026-W01'],
    ['2027-01-01', '2026-W53'],
    ['2024-12-30', '2025-W01'],
    ['2021-01-03', '2020-W53'],
    ['2026-11-19', '2026-W47'],
    ['2024-02-29', '2024-W09'],
    ['2025-12-28', '2025-W52'],
  ])('%s is in %s', (date, week) => {
    expect(isoWeek(new Date(`${date}T12:00:00Z`))).toBe(week);
  });

  it('does not depend on the time of day in UTC', () => {
    expect(isoWeek(new Date('2027-01-03T00:00:00Z'))).toBe('2026-W53');
    expect(isoWeek(new Date('2027-01-03T23:59:59Z'))).toBe('2026-W53');
    expect(isoWeek(new Date('2027-01-04T00:00:00Z'))).toBe('2027-W01');
  });

  it('a week runs Monday to Sunday, and the next Monday starts the next week', () => {
    const day = 86_400_000;
    const monday = fc
      .integer({ min: 0, max: 20_000 })
      .map((n) => new Date(Date.UTC(1990, 0, 1) + n * 7 * day)); // 1990-01-01 was a Monday
    fc.assert(
      fc.property(monday, fc.integer({ min: 0, max: 6 }), (start, offset) => {
        const week = isoWeek(start);
        expect(week).toMatch(/^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/);
        expect(isoWeek(new Date(start.getTime() + offset * day))).toBe(week);
        expect(isoWeek(new Date(start.getTime() + 7 * day))).not.toBe(week);
      }),
    );
  });
});

describe('receipt and resume codes', () => {
  const CODE =
    /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

  it('are 16 Crockford characters in four groups, never I, L, O or U', () => {
    for (let i = 0; i < 200; i++) expect(newCode()).toMatch(CODE);
  });

  it('are different each time', () => {
    const codes = new Set(Array.from({ length: 1000 }, () => newCode()));
    expect(codes.size).toBe(1000);
  });

  it('are read back as issued', () => {
    for (let i = 0; i < 100; i++) {
      const code = newCode();
      expect(normaliseCode(code)).toBe(code);
    }
  });

  it.each([
    ['k7qm-2xtb-9rwd-h4pz', 'lower case'],
    ['K7QM 2XTB 9RWD H4PZ', 'spaces'],
    [' k7qm2xtb9rwdh4pz ', 'no dashes'],
    ['K7QM--2XTB-9RWD-H4PZ', 'a doubled dash'],
  ])('accept %j (%s)', (typed) => {
    expect(normaliseCode(typed)).toBe('K7QM-2XTB-9RWD-H4PZ');
  });

  it('read O as zero and I or L as one, as people copy them by hand', () => {
    expect(normaliseCode('OOOO-IIII-LLLL-oil0')).toBe('0000-1111-1111-0110');
  });

  it.each([
    ['K7QM-2XTB-9RWD-H4P', 'too short'],
    ['K7QM-2XTB-9RWD-H4PZX', 'too long'],
    ['K7QM-2XTB-9RWD-H4PU', 'a U'],
    ['K7QM-2XTB-9RWD-H4P!', 'punctuation'],
    ['', 'nothing'],
  ])('reject %j (%s)', (typed) => {
    expect(normaliseCode(typed)).toBeUndefined();
  });

  it('are stored as a stable hash that is not the code itself', () => {
    const code = 'K7QM-2XTB-9RWD-H4PZ';
    expect(hashCode(code)).toBe(hashCode(code));
    expect(hashCode(code)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashCode(code)).not.toContain(code);
    expect(hashCode(code)).not.toContain('K7QM2XTB9RWDH4PZ'.toLowerCase());
    expect(hashCode(code)).not.toBe(hashCode('K7QM-2XTB-9RWD-H4P0'));
  });

  it('hash the same whether typed in lower case or issued in upper case, after normalising', () => {
    expect(hashCode(normaliseCode('k7qm 2xtb 9rwd h4pz')!)).toBe(hashCode('K7QM-2XTB-9RWD-H4PZ'));
  });
});

describe('cookie tokens', () => {
  it('are 256 random bits in base64url, never repeated across many blocks of random bytes', () => {
    const tokens = Array.from({ length: 1000 }, newToken);
    for (const token of tokens) expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(tokens).size).toBe(tokens.length);
    // Each of the 256 bits is set in about half the tokens: no byte is left out of a block.
    const ones = new Array<number>(256).fill(0);
    for (const token of tokens) {
      const bytes = Buffer.from(token, 'base64url');
      for (let bit = 0; bit < 256; bit++) ones[bit]! += (bytes[bit >> 3]! >> (bit & 7)) & 1;
    }
    for (const count of ones) expect(count).toBeGreaterThan(380);
    for (const count of ones) expect(count).toBeLessThan(620);
  });
});

describe('band coverage', () => {
  const age = [
    { key: 'young', min: 16, max: 34 },
    { key: 'middle', min: 35, max: 64 },
    { key: 'old', min: 65, max: 120 },
  ];

  it('bands that tile the range exactly, in any order, have no problems', () => {
    expect(messages(age, 16, 120)).toEqual([]);
    expect(messages([...age].reverse(), 16, 120)).toEqual([]);
  });

  it('a gap names the bands on either side', () => {
    const gap = [age[0]!, { ...age[1]!, min: 40 }, age[2]!];
    expect(messages(gap, 16, 120)).toEqual(['gap between bands "young" and "middle"']);
  });

  it('an overlap names the overlapping bands, even by a single value', () => {
    const overlap = [age[0]!, { ...age[1]!, min: 34 }, age[2]!];
    expect(messages(overlap, 16, 120)).toEqual(['bands "young" and "middle" overlap']);
  });

  it('bands that do not reach the ends of the range say which end', () => {
    expect(messages(age, 0, 120)).toEqual(['bands start at 16 but the allowed range starts at 0']);
    expect(messages(age, 16, 150)).toEqual(['bands end at 120 but the allowed range ends at 150']);
  });

  it('an upside-down band is named', () => {
    expect(messages([{ key: 'odd', min: 10, max: 5 }], 5, 10)).toContain(
      'band "odd" has min greater than max',
    );
  });

  it('no bands at all is a problem', () => {
    expect(messages([], 0, 10)).toEqual(['at least one band is needed']);
  });

  it('any split of a range into consecutive bands is accepted, and removing an inner band is a gap', () => {
    const split = fc
      .tuple(
        fc.integer({ min: -50, max: 50 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 200 }), { minLength: 2, maxLength: 10 }),
      )
      .map(([start, cuts]) => {
        const ends = [...cuts].sort((a, b) => a - b).map((c) => start + c);
        let from = start;
        const bands = ends.map((end, i) => {
          const band = { key: `b${i}`, min: from, max: end };
          from = end + 1;
          return band;
        });
        return { bands, min: start, max: ends[ends.length - 1] as number };
      });
    fc.assert(
      fc.property(split, ({ bands, min, max }) => {
        expect(messages(bands, min, max)).toEqual([]);
        for (let v = min; v <= max; v += Math.max(1, Math.floor((max - min) / 20))) {
          expect(bandFor(bands, v)).toBeDefined();
        }
        if (bands.length >= 3) {
          const withoutSecond = bands.filter((_, i) => i !== 1);
          expect(messages(withoutSecond, min, max)).toEqual(['gap between bands "b0" and "b2"']);
        }
      }),
    );
  });
});

describe('choosing the interface language from the browser', () => {
  it.each([
    ['de-AT,de;q=0.9,en;q=0.8', 'de'],
    ['nn', 'nb'],
    ['no-NO', 'nb'],
    ['nb-NO,en;q=0.5', 'nb'],
    ['xx, fr;q=0.5', 'fr'],
    ['en;q=0.5, pl;q=0.9', 'pl'],
    ['fr;q=0, en', 'en'],
    ['fr;q=0.0, en;q=0.1', 'en'],
    ['AR-EG', 'ar'],
    ['zh-CN, ja;q=0.9, it;q=0.1', 'it'],
    ['  pl;q=0.7 ,  xx', 'pl'],
  ])('%j gives %s', (header, expected) => {
    expect(fromAcceptLanguage(header)).toBe(expected);
  });

  it.each([[undefined], [''], ['fr;q=0'], ['xx, zz'], ['*'], ['de;q=abc']])(
    '%j gives no language',
    (header) => {
      expect(fromAcceptLanguage(header)).toBeUndefined();
    },
  );

  it('allows spaces around ";" as HTTP does', () => {
    expect(fromAcceptLanguage('pl ; q=0.7, xx')).toBe('pl');
  });

  it('keeps the header order between equal preferences', () => {
    expect(fromAcceptLanguage('sv, da')).toBe('sv');
    expect(fromAcceptLanguage('da, sv')).toBe('da');
  });
});
