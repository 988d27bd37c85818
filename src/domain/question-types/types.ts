import type { z } from 'zod';
import type { LanguageCode } from '../languages.js';
import type { EditorField } from './editor.js';
import type { Condition, LocalizedText } from '../questionnaire/common.js';

/** Values of a submitted form, as parsed from application/x-www-form-urlencoded. */
export type FormValues = Record<string, string | string[] | undefined>;

/** An answer as kept in a draft (numbers are still raw here; bands are taken at submission). */
export type Answer = string | string[] | number | Record<string, string> | Record<string, number>;

/** A validation failure: a field name, a message key and its variables (texts resolved by the view). */
export interface FieldError {
  field: string;
  message: string;
  vars?: Record<string, string | number | LocalizedText>;
}

export interface ParseOutcome {
  answer: Answer | undefined;
  errors: FieldError[];
}

/** One atomic stored answer: `item` is the row, purpose or ranked option ('' when none). */
export interface StoredRow {
  item: string;
  value: string;
  /**
   * A citizen's own words (a free-text answer): never counted into results, listed only to
   * coordinators of the country, by an index that holds these rows alone.
   */
  freeText?: true;
}

/** A definition problem: an English message for files and the CLI, a code and variables for the UI. */
export interface SemanticIssue {
  path: (string | number)[];
  message: string;
  code: string;
  vars?: Record<string, string | number>;
}

/** What an answer to a question can be compared against in a display condition. */
export interface ConditionTarget {
  items: string[] | null;
  values: string[];
}

export interface QuestionCommon {
  key: string;
  type: string;
  text: LocalizedText;
  help?: LocalizedText | undefined;
  required: boolean;
  condition?: Condition | undefined;
  dimension: boolean;
}

/** One table of results: a whole question, or one row, purpose or option of it. */
export interface ResultSpec {
  /** '' for the question, else the row, purpose or ranked option. */
  item: string;
  label?: LocalizedText | undefined;
  /** The GA4GH DUO term of a consent purpose, for the codebook. */
  duo?: string | undefined;
  /** The answers counted, in the order they are shown; `text` when they have no label. */
  values: {
    key: string;
    label?: LocalizedText | undefined;
    text?: string;
    /** The range of a band, for the codebook. */
    range?: { min: number; max: number };
  }[];
  /** Whether one respondent may count in several values (multiple choice). */
  multiple: boolean;
  /** The summary statistic the table has besides its counts (src/domain/result-stats.ts). */
  statistic?: TableStatisticSpec | undefined;
}

/**
 * A net score (Likert scales: value keys of the lower and upper halves of the points, and the
 * middle point of an odd scale) or a mean rank (rankings: the values are positions 1..n).
 */
export type TableStatisticSpec =
  { kind: 'net-score'; lower: string[]; middle: string[]; upper: string[] } | { kind: 'mean-rank' };

/**
 * Everything one question type knows: its definition schema, how it reads a form, what it
 * stores, how it is summarised and what conditions may test. Adding a type adds one of these.
 */
export interface QuestionType<Q extends QuestionCommon> {
  readonly schema: z.ZodType<Q, unknown>;
  /** The fields the builder shows for what is particular to this type. */
  readonly editor: EditorField[];
  /** Rules the schema cannot express (unique option keys, bands covering the range...). */
  check(question: Q): SemanticIssue[];
  /** The form field names this question reads. */
  fields(question: Q): string[];
  parse(question: Q, form: FormValues): ParseOutcome;
  /** The form values that re-display a saved answer. */
  toForm(question: Q, answer: Answer): FormValues;
  /** Rows stored with a submitted response (numbers banded, texts already redacted). */
  store(question: Q, answer: Answer): StoredRow[];
  /** Human-readable lines for the check-your-answers page. */
  summarise(question: Q, answer: Answer, lang: LanguageCode): string[];
  /** Values a display condition compares against (option, point or band keys). */
  conditionValues(question: Q, answer: Answer, item: string | undefined): string[];
  conditionTarget(question: Q): ConditionTarget | null;
  /** The tables its results are shown in (none for free text and information). */
  results(question: Q): ResultSpec[];
  /** Whether the question collects an answer at all (false for info blocks). */
  readonly answerable: boolean;
}
