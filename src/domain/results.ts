import type { RawCell, RawTable } from './disclosure/index.js';
import type { LanguageCode } from './languages.js';
import type { Question } from './question-types/registry-schema.js';
import { typeOf } from './question-types/registry.js';
import type { ResultSpec } from './question-types/types.js';
import type { Questionnaire } from './questionnaire/schema.js';

/** A maintained count, as the aggregates hold it (src/db/aggregates.ts). */
export interface CellCount {
  questionKey: string;
  item: string;
  value: string;
  groupValue: string;
  count: number;
  keySum: number;
}

/** Pseudo-questions of the aggregates: every response, and the ISO week it came in. */
export const RESPONSES = '$responses';
export const WEEKS = '$week';
/** The value that counts respondents who answered a question (or a row of it). */
export const ANSWERED = '$answered';
/** The breakdown by the language a response was given in. */
export const LANGUAGE = '$language';
/** Pseudo-question of the aggregates: starts that ended without a response (expired drafts). */
export const ABANDONED = '$abandoned';

export interface QuestionResults {
  question: Question;
  tables: { spec: ResultSpec; raw: RawTable }[];
}

const ZERO: RawCell = { count: 0, keySum: 0 };

/** Dimension questions of any published version: what results can be broken down by. */
export function dimensionsOf(versions: Questionnaire[]): Question[] {
  const found = new Map<string, Question>();
  for (const doc of [...versions].reverse())
    for (const q of doc.sections.flatMap((s) => s.questions))
      if (q.dimension && !found.has(q.key)) found.set(q.key, q);
  return [...found.values()];
}

/**
 * What folding a questionnaire's responses counts (src/db/aggregates.ts): breakdowns by its
 * dimension questions, and the answers to every question but those without tables in any
 * published version (free text): no page shows them, and each distinct text would be a cell.
 */
export function foldScopeOf(versions: Questionnaire[]): {
  dimensions: string[];
  uncounted: string[];
} {
  const tabled = new Set<string>();
  const untabled = new Set<string>();
  for (const doc of versions)
    for (const { question, specs } of resultSpecs(doc))
      (specs.length > 0 ? tabled : untabled).add(question.key);
  return {
    dimensions: dimensionsOf(versions).map((d) => d.key),
    uncounted: [...untabled].filter((key) => !tabled.has(key)).sort(),
  };
}

/** The groups of a breakdown, in the order of the definition: languages, options, bands. */
export function groupsOf(doc: Questionnaire, dimension: string, cells: CellCount[]): string[] {
  if (dimension === '') return [''];
  const declared =
    dimension === LANGUAGE
      ? (doc.languages as LanguageCode[] as string[])
      : (() => {
          const q = doc.sections.flatMap((s) => s.questions).find((x) => x.key === dimension);
          return q
            ? (typeOf(q)
                .results(q)[0]
                ?.values.map((v) => v.key) ?? [])
            : [];
        })();
  const seen = new Set(cells.map((c) => c.groupValue).filter((g) => g !== ''));
  return [...declared, ...[...seen].filter((g) => !declared.includes(g)).sort()];
}

/**
 * A table's values, plus any that only older versions offered: answers given to them still
 * count, so the table adds up.
 */
function withValuesSeen(
  spec: ResultSpec,
  questionKey: string,
  seen: Map<string, Set<string>>,
): ResultSpec {
  const known = new Set(spec.values.map((v) => v.key));
  const extra = [...(seen.get(`${questionKey}\u0000${spec.item}`) ?? [])]
    .filter((v) => v !== ANSWERED && !known.has(v))
    .sort();
  return extra.length === 0
    ? spec
    : { ...spec, values: [...spec.values, ...extra.map((key) => ({ key, text: key }))] };
}

/** The questions that collect answers, each with the tables its type declares. */
export function resultSpecs(doc: Questionnaire): { question: Question; specs: ResultSpec[] }[] {
  return doc.sections
    .flatMap((s) => s.questions)
    .filter((q) => typeOf(q).answerable)
    .map((question) => ({ question, specs: typeOf(question).results(question) }));
}

/** The raw tables of every question, from the maintained counts of one breakdown. */
export function rawResults(
  doc: Questionnaire,
  cells: CellCount[],
  groups: string[],
): QuestionResults[] {
  const index = new Map<string, RawCell>();
  /** The values counted for each question and item, in any group. */
  const seen = new Map<string, Set<string>>();
  for (const c of cells) {
    index.set(`${c.questionKey}\u0000${c.item}\u0000${c.value}\u0000${c.groupValue}`, c);
    const table = `${c.questionKey}\u0000${c.item}`;
    const values = seen.get(table);
    if (values) values.add(c.value);
    else seen.set(table, new Set([c.value]));
  }
  const at = (q: string, item: string, value: string, group: string) =>
    index.get(`${q}\u0000${item}\u0000${value}\u0000${group}`) ?? ZERO;
  return resultSpecs(doc).map(({ question, specs }) => ({
    question,
    tables: specs
      .map((declared) => withValuesSeen(declared, question.key, seen))
      .map((spec) => ({
        spec,
        raw: {
          values: spec.values.map((v) => v.key),
          groups,
          multiple: spec.multiple,
          cells: Object.fromEntries(
            spec.values.map((v) => [
              v.key,
              Object.fromEntries(groups.map((g) => [g, at(question.key, spec.item, v.key, g)])),
            ]),
          ),
          totals: Object.fromEntries(
            groups.map((g) => [g, at(question.key, spec.item, ANSWERED, g)]),
          ),
        },
      })),
  }));
}

/** How many responses each group has, and per ISO week (everyone). */
export function responseCounts(cells: CellCount[], groups: string[]) {
  const byGroup = new Map<string, RawCell>();
  // The first of each group, as the overall cells come before a breakdown's.
  for (const c of cells)
    if (c.questionKey === RESPONSES && !byGroup.has(c.groupValue)) byGroup.set(c.groupValue, c);
  return Object.fromEntries(groups.map((g) => [g, byGroup.get(g) ?? ZERO]));
}

/** Abandoned starts, counted for everyone only (a draft keeps no language or dimension). */
export function abandonedCount(cells: CellCount[]): RawCell {
  return cells.find((c) => c.questionKey === ABANDONED && c.groupValue === '') ?? ZERO;
}

/** Responses per ISO week, oldest first. */
export function weeksOf(cells: CellCount[]): { week: string; cell: RawCell }[] {
  return cells
    .filter((c) => c.questionKey === WEEKS)
    .sort((a, b) => a.value.localeCompare(b.value))
    .map((c) => ({ week: c.value, cell: c }));
}
