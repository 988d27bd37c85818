import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyTranslations,
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
