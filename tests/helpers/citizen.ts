import request from 'supertest';
import type { Express } from 'express';
import { csrfTokenIn } from './cookie-jar.js';
import { DEMO, DEMO_ANSWERS, type Fields } from './demo-answers.js';

export { DEMO, DEMO_ANSWERS, type Fields };

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
    this.csrf = csrfTokenIn(this.html) ?? this.csrf;
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
