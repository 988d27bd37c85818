import { KEY_MODULUS } from './disclosure/cell-key.js';
import { ANSWERED, LANGUAGE, RESPONSES, WEEKS, type CellCount } from './results.js';

/** A change to one maintained cell: counts and key sums to add (negative for withdrawals). */
export interface CellChange extends CellCount {
  /** '' for everyone, LANGUAGE, or a dimension question's key. */
  dimension: string;
}

/** How one answer row travels from the database to a tally: its three fields, joined. */
export const ANSWER_SEPARATOR = '\u001f';

/** The answer rows of one response, as the database hands them over. */
export interface TalliedResponse {
  /** The record key as a 32-bit integer (floor(record_key × 2^32)). */
  k: number;
  language: string;
  isoWeek: string;
  /** Each answer as `question_key␟item␟value` (ANSWER_SEPARATOR). */
  answers: readonly string[];
}

interface Fact {
  key: string;
  index: number;
  /** The fact counting who answered this question (or row), for value facts. */
  answered: number;
  /** The group this answer puts its response in, for answers to a dimension question. */
  group: number;
}

/**
 * Adds up what responses contribute to the maintained cells (src/db/aggregates.ts): every answer
 * counts for everyone, for the response's language and for its answer to each dimension
 * question, and so do "answered this question (or row)", "a response" and its ISO week (this
 * one for everyone only). A response adds 1 and its record key to each of those cells.
 *
 * Facts and groups are numbered as they are first seen, so a response costs one map lookup per
 * answer and one array addition per answer and group: folding 10^6 responses of 40 answers into
 * 7 groups is 3·10^8 additions, which SQL aggregation does an order of magnitude slower.
 */
export class ResultTally {
  private readonly facts = new Map<string, Fact>();
  private readonly factList: Fact[] = [];
  private readonly groups = new Map<string, number>();
  private readonly groupList: { dimension: string; value: string }[] = [];
  /** counts[fact][group] and keySums[fact][group]. */
  private readonly counts: Float64Array[] = [];
  private readonly keySums: Float64Array[] = [];
  private readonly seen: number[] = [];
  private serial = 0;
  private readonly everyone: number;
  private readonly responseFact: number;

  constructor(private readonly dimensions: ReadonlySet<string>) {
    this.everyone = this.group('', '');
    this.responseFact = this.fact(`${RESPONSES}${ANSWER_SEPARATOR}${ANSWER_SEPARATOR}`).index;
  }

  /** Adds (sign 1) or takes away (sign -1) what one response contributes. */
  add(response: TalliedResponse, sign: 1 | -1): void {
    const serial = ++this.serial;
    const groups = [this.everyone, this.group(LANGUAGE, response.language)];
    const facts = [this.responseFact];
    for (const answer of response.answers) {
      const fact = this.fact(answer);
      facts.push(fact.index);
      if (this.seen[fact.answered] !== serial) {
        this.seen[fact.answered] = serial;
        facts.push(fact.answered);
      }
      if (fact.group >= 0) groups.push(fact.group);
    }
    const k = sign * response.k;
    for (const f of facts) {
      const counts = this.row(this.counts, f);
      const keySums = this.row(this.keySums, f);
      for (const g of groups) {
        counts[g] = (counts[g] as number) + sign;
        keySums[g] = (keySums[g] as number) + k;
      }
    }
    const week = this.fact(`${WEEKS}${ANSWER_SEPARATOR}${ANSWER_SEPARATOR}${response.isoWeek}`);
    const weekCounts = this.row(this.counts, week.index);
    const weekKeySums = this.row(this.keySums, week.index);
    weekCounts[this.everyone] = (weekCounts[this.everyone] as number) + sign;
    weekKeySums[this.everyone] = (weekKeySums[this.everyone] as number) + k;
  }

  /** Every cell that changed, key sums modulo 2^32 (so also for withdrawals, in [0, 2^32)). */
  changes(): CellChange[] {
    const out: CellChange[] = [];
    this.factList.forEach((fact, f) => {
      const counts = this.counts[f];
      const keySums = this.keySums[f];
      if (!counts || !keySums) return;
      const [questionKey, item, value] = fact.key.split(ANSWER_SEPARATOR) as [
        string,
        string,
        string,
      ];
      this.groupList.forEach((group, g) => {
        const count = counts[g] ?? 0;
        const keySum = keySums[g] ?? 0;
        if (count === 0 && keySum === 0) return;
        out.push({
          questionKey,
          item,
          value,
          dimension: group.dimension,
          groupValue: group.value,
          count,
          keySum: ((keySum % KEY_MODULUS) + KEY_MODULUS) % KEY_MODULUS,
        });
      });
    });
    return out;
  }

  private group(dimension: string, value: string): number {
    const key = `${dimension}${ANSWER_SEPARATOR}${value}`;
    let index = this.groups.get(key);
    if (index === undefined) {
      index = this.groupList.length;
      this.groups.set(key, index);
      this.groupList.push({ dimension, value });
    }
    return index;
  }

  private fact(key: string): Fact {
    const known = this.facts.get(key);
    if (known) return known;
    const parts = key.split(ANSWER_SEPARATOR);
    if (parts.length !== 3) throw new Error(`not an answer row: ${JSON.stringify(key)}`);
    const [questionKey, item, value] = parts as [string, string, string];
    const fact: Fact = { key, index: this.factList.length, answered: -1, group: -1 };
    this.facts.set(key, fact);
    this.factList.push(fact);
    if (value === ANSWERED || questionKey.startsWith('$')) fact.answered = fact.index;
    else {
      fact.answered = this.fact(
        `${questionKey}${ANSWER_SEPARATOR}${item}${ANSWER_SEPARATOR}${ANSWERED}`,
      ).index;
      if (item === '' && this.dimensions.has(questionKey))
        fact.group = this.group(questionKey, value);
    }
    return fact;
  }

  /** The fact's row of counts or key sums, long enough for every group seen so far. */
  private row(rows: Float64Array[], fact: number): Float64Array {
    const row = rows[fact];
    const size = this.groupList.length;
    if (row && row.length >= size) return row;
    const grown = new Float64Array(Math.max(8, size * 2));
    if (row) grown.set(row);
    rows[fact] = grown;
    return grown;
  }
}
