/**
 * A virtual citizen for `npm run bench`: a cookie jar over fetch (keep-alive), reading the CSRF
 * token from the pages it gets, answering the demo questionnaire as tests/helpers/citizen.ts
 * does, in English.
 */
import { DEMO_SLUG } from '../../src/paths.js';
import { COOKIES } from '../../src/web/cookies.js';
import { encodeForm } from '../../tests/helpers/citizen.js';
import { CookieJar, csrfTokenIn } from '../../tests/helpers/cookie-jar.js';
import { DEMO_ANSWERS, type Fields } from '../../tests/helpers/demo-answers.js';

export const JOURNEY = `/en/q/${DEMO_SLUG}`;
export const SUBMIT_PATH = `${JOURNEY}/submit`;
export const THANK_YOU_PATH = `${JOURNEY}/done`;

/** Requests of one whole journey: start page, start, a GET and a POST per section, check,
 * submit, thank-you page. */
export const REQUESTS_PER_JOURNEY = 2 + 2 * DEMO_ANSWERS.length + 3;

/** No request of the bench waits longer than this. */
const REQUEST_TIMEOUT_MS = 30_000;

export interface Page {
  status: number;
  location: string;
  html: string;
}

export class JourneyError extends Error {}

/** Whether a response to the final submit is the acknowledgement: a 303 to the thank-you page. */
export const acknowledged = (status: number, location: string | undefined) =>
  status === 303 && location === THANK_YOU_PATH;

/** A citizen on the check page, as the final submit needs them: a Cookie header and a form. */
export interface ReadyCitizen {
  cookie: string;
  submitForm: string;
}

export class VirtualCitizen {
  private readonly jar = new CookieJar();
  csrf = '';

  constructor(private readonly base: string) {}

  get cookie(): string {
    return this.jar.header();
  }

  /** The token of this citizen's draft (its cookie), once it has one. */
  get draftToken(): string | undefined {
    return this.jar.get(COOKIES.draft(DEMO_SLUG));
  }

  /** This citizen's Cookie header with another draft's token. */
  cookieWithDraft(token: string): string {
    return this.jar.headerWith(COOKIES.draft(DEMO_SLUG), token);
  }

  /** The body of the final submit, with this citizen's CSRF token. */
  get submitForm(): string {
    return encodeForm({ _csrf: this.csrf });
  }

  private async send(path: string, init: RequestInit): Promise<Page> {
    const res = await fetch(`${this.base}${path}`, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      headers: { ...(init.headers as Record<string, string>), cookie: this.cookie },
    });
    this.jar.keep(res.headers.getSetCookie());
    const html = await res.text();
    this.csrf = csrfTokenIn(html) ?? this.csrf;
    return { status: res.status, location: res.headers.get('location') ?? '', html };
  }

  get(path: string): Promise<Page> {
    return this.send(path, { method: 'GET' });
  }

  post(path: string, fields: Fields = {}): Promise<Page> {
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: encodeForm({ _csrf: this.csrf, ...fields }),
    });
  }

  private async expect(page: Promise<Page>, status: number, what: string): Promise<Page> {
    const got = await page;
    if (got.status !== status)
      throw new JourneyError(`${what} answered ${got.status} (expected ${status})`);
    return got;
  }

  /** Opens the start page and presses "Start now": the citizen now has a draft. */
  async begin(): Promise<string> {
    await this.expect(this.get(JOURNEY), 200, 'the start page');
    const started = await this.expect(this.post(`${JOURNEY}/start`), 303, 'start');
    return started.location;
  }

  /** Answers the first section and comes back to it: the page now shows the answers. */
  async answerFirst(): Promise<void> {
    const path = `${JOURNEY}/s/1`;
    await this.expect(this.post(path, { ...DEMO_ANSWERS[0], action: 'next' }), 303, 'section 1');
    const page = await this.expect(this.get(path), 200, 'section 1');
    if (!/checked/.test(page.html)) throw new JourneyError('section 1 does not show its answers');
  }

  /**
   * Answers every section with the demo answers, loading each first unless told not to (a
   * citizen's CSRF token is the same on every page); ends on the check page.
   */
  async answerAll(options: { viewSections: boolean } = { viewSections: true }): Promise<void> {
    for (const [i, fields] of DEMO_ANSWERS.entries()) {
      const path = `${JOURNEY}/s/${i + 1}`;
      if (options.viewSections) await this.expect(this.get(path), 200, `section ${i + 1}`);
      await this.expect(this.post(path, { ...fields, action: 'next' }), 303, `section ${i + 1}`);
    }
    await this.expect(this.get(`${JOURNEY}/check`), 200, 'the check page');
  }

  /** Presses "Submit" on the check page; true when the response was acknowledged. */
  async submit(): Promise<boolean> {
    const page = await this.post(SUBMIT_PATH);
    return acknowledged(page.status, page.location);
  }

  /** The thank-you page, which must show the receipt code. */
  async thanks(): Promise<void> {
    const page = await this.expect(this.get(THANK_YOU_PATH), 200, 'the thank-you page');
    if (!/id="receipt-code"/.test(page.html))
      throw new JourneyError('no receipt code on the thank-you page');
  }
}
