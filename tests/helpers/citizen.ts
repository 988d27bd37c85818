import request from 'supertest';
import type { Express } from 'express';

export const DEMO = 'genomic-data-sharing';

export type Fields = Record<string, string | string[]>;

export function encodeForm(fields: Fields): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(name, v);
  }
  return params.toString();
}

/** A browser-like client: keeps cookies, reads the CSRF token from each page it gets. */
export class Citizen {
  readonly agent: ReturnType<typeof request.agent>;
  csrf = '';
  html = '';

  constructor(
    app: Express,
    private readonly headers: Record<string, string> = {},
  ) {
    this.agent = request.agent(app);
  }

  async get(path: string) {
    const res = await this.agent.get(path).set(this.headers);
    this.html = res.text ?? '';
    const token = /name="_csrf" value="([^"]+)"/.exec(this.html);
    if (token) this.csrf = token[1] as string;
    return res;
  }

  async post(path: string, fields: Fields = {}, options: { csrf?: boolean } = {}) {
    const body = options.csrf === false ? fields : { _csrf: this.csrf, ...fields };
    const res = await this.agent.post(path).set(this.headers).type('form').send(encodeForm(body));
    this.html = res.text ?? '';
    return res;
  }

  /** Opens the start page and presses "Start now"; returns the redirect to section 1. */
  async begin(lang: string, slug = DEMO) {
    await this.get(`/${lang}/q/${slug}`);
    return this.post(`/${lang}/q/${slug}/start`);
  }

  /** Answers section n and returns the response (a 303 on success). */
  async answer(lang: string, n: number, fields: Fields, action = 'next', slug = DEMO) {
    await this.get(`/${lang}/q/${slug}/s/${n}`);
    return this.post(`/${lang}/q/${slug}/s/${n}`, { ...fields, action });
  }
}

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

/** Goes from the start page through every section, the check page and submission. */
export async function completeDemo(
  citizen: Citizen,
  lang: string,
  answers: Fields[] = DEMO_ANSWERS,
): Promise<string> {
  await citizen.begin(lang);
  for (const [i, fields] of answers.entries()) {
    const res = await citizen.answer(lang, i + 1, fields);
    if (res.status !== 303)
      throw new Error(
        `section ${i + 1} answered with ${res.status}: ${citizen.html.slice(0, 2000)}`,
      );
  }
  await citizen.get(`/${lang}/q/${DEMO}/check`);
  const submitted = await citizen.post(`/${lang}/q/${DEMO}/submit`);
  if (submitted.status !== 303) throw new Error(`submit answered with ${submitted.status}`);
  await citizen.get(submitted.headers.location as string);
  const receipt = /id="receipt-code"><strong>([0-9A-Z-]+)</.exec(citizen.html);
  if (!receipt) throw new Error('no receipt code on the thank-you page');
  return receipt[1] as string;
}
