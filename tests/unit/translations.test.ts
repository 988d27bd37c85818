import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyTranslations,
  staleAfterEdit,
  textLocations,
  translationReport,
} from '../../src/domain/questionnaire/translations.js';
import { protectCell, unprotectCell } from '../../src/domain/spreadsheet-cells.js';
import { demoQuestionnaire } from './demo.js';

describe('cells written to spreadsheets', () => {
  it.each(['=1+1', '+31 20 123', '-2', '@SUM(A1)', '\tx', '\rx'])(
    '%j is made inert with an apostrophe',
    (value) => {
      expect(protectCell(value)).toBe(`'${value}`);
    },
  );

  it('leaves ordinary text alone', () => {
    expect(protectCell('Jak dobrze znasz')).toBe('Jak dobrze znasz');
    expect(protectCell("'quoted'")).toBe("'quoted'");
  });

  it('round-trips any text', () => {
    fc.assert(fc.property(fc.string(), (value) => unprotectCell(protectCell(value)) === value));
    // Found by the property above: apostrophes before a formula character.
    for (const value of ["'+", "''=1", "'-"]) expect(unprotectCell(protectCell(value))).toBe(value);
    expect(protectCell("'=1")).toBe("''=1");
  });
});

describe('translations of a questionnaire', () => {
  const doc = demoQuestionnaire();

  it('lists every text once, with a JSON path', () => {
    const paths = textLocations(doc).map((t) => t.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths).toContain('$.title');
    expect(paths).toContain('$.sections[1].questions[0].rows[5].label');
  });

  it('reports every language of the demo as complete', () => {
    for (const language of translationReport(doc)) expect(language.missing).toEqual([]);
  });

  it('applies changed texts, skips empty ones, counts the same ones, reports unknown paths', () => {
    const result = applyTranslations(doc, 'pl', [
      { path: '$.title', text: 'Nowy tytuł' },
      { path: '$.purpose', text: doc.purpose.pl as string },
      { path: '$.organiser', text: '  ' },
      { path: '$.sections[99].title', text: 'x' },
    ]);
    expect(result.changed).toEqual(['$.title']);
    expect(result.unchanged).toBe(1);
    expect(result.unknown).toEqual(['$.sections[99].title']);
    expect(result.questionnaire.title.pl).toBe('Nowy tytuł');
    expect(result.questionnaire.organiser.pl).toBe(doc.organiser.pl);
    expect(doc.title.pl).not.toBe('Nowy tytuł');
  });
});

describe('stale translations', () => {
  const before = demoQuestionnaire();

  it('a changed source text makes its untouched translations stale', () => {
    const after = structuredClone(before);
    after.title.en = 'A new English title';
    const stale = staleAfterEdit(before, {}, after);
    expect(stale.pl).toEqual(['$.title']);
    expect(stale.de).toEqual(['$.title']);
    expect(stale.en).toBeUndefined();
  });

  it('a translation changed together with its source is not stale', () => {
    const after = structuredClone(before);
    after.title.en = 'A new English title';
    after.title.pl = 'Nowy tytuł';
    expect(staleAfterEdit(before, {}, after).pl).toBeUndefined();
  });

  it('stays stale until the translation itself changes', () => {
    const edited = structuredClone(before);
    edited.title.en = 'A new English title';
    const first = staleAfterEdit(before, {}, edited);
    const unrelated = structuredClone(edited);
    unrelated.purpose.en = `${edited.purpose.en} More.`;
    const second = staleAfterEdit(edited, first, unrelated);
    expect(second.pl).toEqual(['$.title', '$.purpose']);
    const fixed = structuredClone(unrelated);
    fixed.title.pl = 'Nowy tytuł';
    expect(staleAfterEdit(unrelated, second, fixed).pl).toEqual(['$.purpose']);
  });

  it('the report lists stale texts per language', () => {
    const report = translationReport(before, { pl: ['$.title'] });
    expect(report.find((l) => l.lang === 'pl')?.stale).toEqual(['$.title']);
    expect(report.find((l) => l.lang === 'en')?.stale).toEqual([]);
  });
});
