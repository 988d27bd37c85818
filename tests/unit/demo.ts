import { readFileSync } from 'node:fs';
import type { Question } from '../../src/domain/question-types/registry-schema.js';
import type { FormValues } from '../../src/domain/question-types/types.js';
import type { Questionnaire } from '../../src/domain/questionnaire/schema.js';
import { validateQuestionnaire } from '../../src/domain/questionnaire/validate.js';

const DEMO_PATH = new URL('../../questionnaires/genomic-data-sharing.json', import.meta.url);
const demoText = readFileSync(DEMO_PATH, 'utf8');

/** A fresh, mutable copy of the demo definition as an author would write it (plain JSON). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests mutate the raw JSON freely
export function demoJson(): any {
  return structuredClone(JSON.parse(demoText));
}

/** The demo definition, parsed and checked. */
export function demoQuestionnaire(): Questionnaire {
  const result = validateQuestionnaire(demoJson());
  if (!result.ok)
    throw new Error(`demo questionnaire is invalid: ${JSON.stringify(result.errors)}`);
  return result.questionnaire;
}

export function questionIn(doc: Questionnaire, key: string): Question {
  const found = doc.sections.flatMap((s) => s.questions).find((q) => q.key === key);
  if (!found) throw new Error(`no question "${key}" in the demo`);
  return found;
}

/** A complete, valid set of form values for the demo, section by section. */
export const DEMO_FORMS: FormValues[] = [
  { familiarity: 'somewhat_familiar', prior_test: 'yes' },
  {
    'willingness.own_doctor': 'very_willing',
    'willingness.public_hospital_researchers': 'willing',
    'willingness.universities': 'willing',
    'willingness.pharma_companies': 'unwilling',
    'willingness.government_agencies': 'neutral',
    'willingness.insurers': 'dont_know',
    prior_test_consent: 'no',
    benefit: 'agree',
  },
  {
    'consent_by_purpose.own_care': 'opt_out',
    'consent_by_purpose.public_research': 'opt_in',
    'consent_by_purpose.commercial_research': 'never',
    'consent_by_purpose.policy_statistics': 'opt_in',
    'consent_by_purpose.cross_border_eu': 'not_sure',
    'consent_by_purpose.ancestry_research': 'opt_in',
    consent_model: 'broad_once',
    withdrawal: 'stop_future_use',
  },
  {
    'trust_in.own_doctor': 'complete_trust',
    'trust_in.public_hospitals': 'fair_trust',
    'trust_in.universities': 'fair_trust',
    'trust_in.pharma_companies': 'little_trust',
    'trust_in.tech_companies': 'no_trust',
    'trust_in.government': 'little_trust',
    'trust_in.eu_institutions': 'dont_know',
    trust_measures: ['right_to_withdraw', 'know_who_uses'],
    'measures_ranking.right_to_withdraw': '1',
    'measures_ranking.sanctions_for_misuse': '3',
    'measures_ranking.know_who_uses': '2',
    'measures_ranking.independent_oversight': '5',
    'measures_ranking.results_published': '4',
  },
  {
    age: '37',
    gender: 'prefer_not',
    country_of_residence: 'pl',
    area: 'town',
    comments: 'Write to me at jan.kowalski@example.org or call +48 601 234 567.',
  },
];
