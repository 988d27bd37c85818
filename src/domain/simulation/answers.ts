import type { LanguageCode } from '../languages.js';
import type { Option } from '../questionnaire/common.js';
import type { Question } from '../question-types/registry-schema.js';
import type { MultiChoiceQuestion } from '../question-types/multi-choice.js';
import type { NumberQuestion } from '../question-types/number.js';
import { matrixField, scaleOptions } from '../question-types/scale.js';
import type { FormValues } from '../question-types/types.js';
import type { Scale } from '../questionnaire/common.js';
import { redactedLength } from '../redaction.js';
import { Categorical, drawOrder, skewedWeights, type Random } from './random.js';
import { CONTACTS, REMARKS } from './texts.js';

/**
 * How one simulated citizen fills in one question: the form fields a browser would post, as
 * strings. Each question's habits (which options are popular, how often it is skipped) are
 * drawn once from the seed, so the whole population shares them, as a real one would.
 */
export type FillIn = (random: Random, language: LanguageCode) => FormValues;

/** How often an optional question is left blank: a few percent to about a quarter. */
const skipRate = (random: Random) => 0.03 + 0.25 * random.next();

/** Ordered scales peak somewhere and fall off on both sides, with "don't know" a minority. */
function scaleWeights(random: Random, scale: Scale): number[] {
  const points = scale.points.length;
  const peak = random.next() * (points - 1);
  const spread = 0.6 + random.next() * 0.9;
  const weights = scale.points.map(
    (_, i) => Math.exp(-((i - peak) ** 2) / (2 * spread ** 2)) * (0.5 + random.next()),
  );
  return scale.dontKnow ? [...weights, 0.02 + 0.1 * random.next() ** 3] : weights;
}

function oneOf(
  key: string,
  options: Option[],
  weights: number[],
  required: boolean,
  random: Random,
) {
  const choice = new Categorical(weights);
  const skip = required ? 0 : skipRate(random);
  return (r: Random): FormValues =>
    r.next() < skip ? {} : { [key]: (options[choice.draw(r)] as Option).key };
}

function matrix(
  key: string,
  rows: Option[],
  columns: Option[],
  weightsOf: () => number[],
  required: boolean,
  random: Random,
): FillIn {
  const choices = rows.map(() => new Categorical(weightsOf()));
  const skip = required ? 0 : skipRate(random);
  return (r) => {
    if (r.next() < skip) return {};
    const form: FormValues = {};
    rows.forEach((row, i) => {
      // Someone answering an optional matrix may still pass over a row.
      if (!required && r.next() < 0.05) return;
      form[matrixField(key, row.key)] = (
        columns[(choices[i] as Categorical).draw(r)] as Option
      ).key;
    });
    return form;
  };
}

function multiChoice(q: MultiChoiceQuestion, random: Random): FillIn {
  const plain = q.options.filter((o) => !o.exclusive);
  const exclusive = q.options.find((o) => o.exclusive);
  const weights = skewedWeights(random, plain.length);
  const exclusiveRate = exclusive ? 0.02 + 0.1 * random.next() : 0;
  const fewest = Math.max(1, q.min ?? 1);
  const most = Math.min(q.max ?? plain.length, plain.length);
  // Most people tick one or two boxes; fewer tick many.
  const howMany = new Categorical(
    Array.from({ length: Math.max(0, most - fewest + 1) }, (_, i) => 0.6 ** i),
  );
  const skip = q.required ? 0 : skipRate(random);
  return (r) => {
    if (r.next() < skip) return {};
    if (exclusive && (r.next() < exclusiveRate || most < fewest)) return { [q.key]: exclusive.key };
    const chosen = drawOrder(r, weights, fewest + howMany.draw(r));
    return { [q.key]: chosen.map((i) => (plain[i] as Option).key) };
  };
}

function ranking(key: string, options: Option[], required: boolean, random: Random): FillIn {
  const weights = skewedWeights(random, options.length);
  const skip = required ? 0 : skipRate(random);
  return (r) => {
    if (r.next() < skip) return {};
    const order = drawOrder(r, weights, options.length);
    return Object.fromEntries(
      order.map((index, rank) => [
        matrixField(key, (options[index] as Option).key),
        String(rank + 1),
      ]),
    );
  };
}

const ARABIC_INDIC = '٠١٢٣٤٥٦٧٨٩';

/**
 * Whole numbers bunched around a point in the lower part of the range (an age of 16..120 comes
 * out around 40 ± 15), typed in Arabic-Indic digits by some who answer in Arabic.
 */
function number(q: NumberQuestion, random: Random): FillIn {
  const range = q.max - q.min;
  const centre = q.min + range * (0.2 + 0.15 * random.next());
  const spread = range / 7;
  const skip = q.required ? 0 : skipRate(random);
  return (r, language) => {
    if (r.next() < skip) return {};
    // The sum of three uniforms is close to normal, and cheap.
    const z = (r.next() + r.next() + r.next() - 1.5) * 2;
    const value = Math.min(q.max, Math.max(q.min, Math.round(centre + z * spread)));
    const typed =
      language === 'ar' && r.next() < 0.3
        ? String(value).replace(/\d/g, (d) => ARABIC_INDIC[Number(d)] as string)
        : String(value);
    return { [q.key]: typed };
  };
}

/** One or two remarks in the citizen's language, now and then with contact details. */
function text(key: string, maxLength: number, required: boolean, random: Random): FillIn {
  const skip = required ? 0 : 0.75 + 0.2 * random.next();
  return (r, language) => {
    if (r.next() < skip) return {};
    const remarks = REMARKS[language] ?? (REMARKS.en as readonly string[]);
    const parts = [remarks[r.below(remarks.length)] as string];
    if (r.next() < 0.3) parts.push(remarks[r.below(remarks.length)] as string);
    // Cut only plain remarks: a cut e-mail address might no longer look like one.
    let typed = [...parts.join(' ')].slice(0, maxLength).join('');
    const contact = CONTACTS[r.below(CONTACTS.length)] as string;
    if (r.next() < 0.15 && redactedLength(`${typed} ${contact}`) <= maxLength)
      typed = `${typed} ${contact}`;
    return { [key]: typed };
  };
}

/** The citizen's habits for one question; undefined for questions that take no answer. */
export function fillInFor(question: Question, random: Random): FillIn | undefined {
  const q = question;
  switch (q.type) {
    case 'single-choice':
      return oneOf(q.key, q.options, skewedWeights(random, q.options.length), q.required, random);
    case 'likert':
      return oneOf(q.key, scaleOptions(q.scale), scaleWeights(random, q.scale), q.required, random);
    case 'likert-matrix':
      return matrix(
        q.key,
        q.rows,
        scaleOptions(q.scale),
        () => scaleWeights(random, q.scale),
        q.required,
        random,
      );
    case 'consent-matrix':
      return matrix(
        q.key,
        q.purposes,
        q.choices,
        () => skewedWeights(random, q.choices.length),
        q.required,
        random,
      );
    case 'multi-choice':
      return multiChoice(q, random);
    case 'ranking':
      return ranking(q.key, q.options, q.required, random);
    case 'number':
      return number(q, random);
    case 'text':
      return text(q.key, q.maxLength, q.required, random);
    case 'info':
      return undefined;
    default: {
      const unknown: never = q;
      throw new Error(`no simulated answers for ${JSON.stringify(unknown)}`);
    }
  }
}
