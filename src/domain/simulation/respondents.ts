import { isoWeek } from '../iso-week.js';
import type { LanguageCode } from '../languages.js';
import {
  applySection,
  responseRows,
  visibleQuestions,
  type Answers,
  type ResponseRow,
} from '../questionnaire/journey.js';
import type { Questionnaire } from '../questionnaire/schema.js';
import type { FormValues } from '../question-types/types.js';
import { fillInFor, type FillIn } from './answers.js';
import {
  Categorical,
  seededHex,
  seededRandom,
  seededUnitKey,
  seededUuid,
  type Random,
} from './random.js';

/** A simulated response, shaped like what a citizen's submission stores (DESIGN.md §4.1). */
export interface SimulatedResponse {
  id: string;
  language: LanguageCode;
  isoWeek: string;
  recordKey: number;
  /**
   * Random bits where a receipt hash goes: not the hash of any code, and finding a code that
   * hashes to it is a preimage search, so no one can withdraw a simulated response.
   */
  receiptHash: string;
  rows: ResponseRow[];
}

/** The default language draws most citizens; the others fewer, unevenly. */
function languageWeights(doc: Questionnaire, random: Random): number[] {
  return doc.languages.map((lang) =>
    lang === doc.defaultLanguage ? 1 : 0.02 + 0.4 * random.next() ** 2,
  );
}

const WEEKS = 8;
const DAY_MS = 86_400_000;

/**
 * The eight ISO weeks up to `now`, oldest first, weighted like a consultation's life: many
 * answers in the launch week, fewer every week after, each week a little up or down.
 */
function weeks(now: Date, random: Random): { labels: string[]; weights: number[] } {
  const labels = Array.from({ length: WEEKS }, (_, i) =>
    isoWeek(new Date(now.getTime() - (WEEKS - 1 - i) * 7 * DAY_MS)),
  );
  return { labels, weights: labels.map((_, i) => 0.6 ** i * (0.6 + 0.8 * random.next())) };
}

/**
 * Simulated citizens answering a questionnaire: each walks the sections in order, sees those
 * whose conditions their earlier answers meet, fills in a browser form for each and has it read
 * by the same rules as the web form (`applySection`), then stores the same rows a submission
 * would (`responseRows`: numbers banded, texts redacted). The same definition, seed and `now`
 * give the same responses, ids and keys included.
 */
export function simulatedRespondents(doc: Questionnaire, seed: number, now: Date) {
  const random = seededRandom(seed);
  const fillIns = new Map<string, FillIn>();
  for (const section of doc.sections)
    for (const question of section.questions) {
      const fillIn = fillInFor(question, random);
      if (fillIn) fillIns.set(question.key, fillIn);
    }
  const languages = new Categorical(languageWeights(doc, random));
  const calendar = weeks(now, random);
  const week = new Categorical(calendar.weights);

  function answer(language: LanguageCode): Answers {
    let answers: Answers = {};
    doc.sections.forEach((section, index) => {
      const shown = visibleQuestions(doc, section, answers);
      if (shown.length === 0) return;
      const form: FormValues = {};
      for (const question of shown)
        Object.assign(form, fillIns.get(question.key)?.(random, language));
      const outcome = applySection(doc, index, form, answers);
      if (outcome.errors.length > 0)
        throw new Error(
          `simulated answers to section "${section.key}" were refused: ${JSON.stringify(outcome.errors)}`,
        );
      answers = outcome.answers;
    });
    return answers;
  }

  return {
    next(): SimulatedResponse {
      const language = doc.languages[languages.draw(random)] as LanguageCode;
      const rows = responseRows(doc, answer(language));
      return {
        id: seededUuid(random),
        language,
        isoWeek: calendar.labels[week.draw(random)] as string,
        recordKey: seededUnitKey(random),
        receiptHash: seededHex(random, 8),
        rows,
      };
    },
  };
}
