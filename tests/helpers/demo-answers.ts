export const DEMO = 'genomic-data-sharing';

export type Fields = Record<string, string | string[]>;

/** A complete, valid set of answers to the demo questionnaire, section by section. */
export const DEMO_ANSWERS: Fields[] = [
  { familiarity: 'somewhat_familiar', prior_test: 'yes' },
  {
    'willingness.own_doctor': 'very_willing',
    'willingness.public_hospital_researchers': 'willing',
    'willingness.universities': 'willing',
    'willingness.pharma_companies': 'unwilling',
    'willingness.government_agencies': 'neutral',
    'willingness.insurers': 'very_unwilling',
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
    comments:
      'Write to me at jan.kowalski@example.org or call +48 601 234 567. My account is PL61109010140000071219812874.',
  },
];
