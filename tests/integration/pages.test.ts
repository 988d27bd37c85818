import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LANGUAGES } from '../../src/domain/languages.js';
import { createTestApp, type TestApp } from '../helpers/app.js';
import { Citizen, DEMO } from '../helpers/citizen.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('language negotiation', () => {
  it('/q/{slug} goes to the language of Accept-Language', async () => {
    const res = await request(t.app)
      .get(`/q/${DEMO}`)
      .set('Accept-Language', 'pl-PL,pl;q=0.9,en;q=0.5');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`/pl/q/${DEMO}`);
  });

  it('the cookie set by choosing a language wins over Accept-Language', async () => {
    const res = await request(t.app)
      .get(`/q/${DEMO}`)
      .set('Accept-Language', 'de')
      .set('Cookie', 'consulta_lang=ar');
    expect(res.headers.location).toBe(`/ar/q/${DEMO}`);
  });

  it('without any preference, the questionnaire default language is used', async () => {
    const res = await request(t.app).get(`/q/${DEMO}`);
    expect(res.headers.location).toBe(`/en/q/${DEMO}`);
  });

  it('visiting a language URL remembers the language in a cookie', async () => {
    const res = await request(t.app).get(`/sv/q/${DEMO}`);
    expect(String(res.headers['set-cookie'])).toContain('consulta_lang=sv');
  });

  it('the switcher names every language in itself and links to the same page', async () => {
    const res = await request(t.app).get(`/en/q/${DEMO}`);
    for (const l of LANGUAGES) {
      expect(res.text).toContain(
        `<a href="/${l.code}/q/${DEMO}" lang="${l.code}" hreflang="${l.code}" dir="${l.dir}"`,
      );
      expect(res.text).toContain(`>${l.name}</a>`);
    }
  });

  it('a language the questionnaire lacks shows the UI in that language, the content in the default, and the choices', async () => {
    const res = await request(t.app).get(`/sv/q/${DEMO}`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<html lang="sv" dir="ltr">/);
    expect(res.text).toMatch(/<h1 class="heading-xl" lang="en" dir="ltr">/);
    for (const code of ['en', 'de', 'fr', 'pl', 'ar'])
      expect(res.text).toContain(`href="/${code}/q/${DEMO}"`);
    expect(res.text).toContain('role="note"');
  });
});

describe('start page', () => {
  it('says what the consultation is for, who runs it, what is and is not stored and how to withdraw', async () => {
    const res = await request(t.app).get(`/en/q/${DEMO}`);
    for (const heading of [
      'What this consultation is for',
      'Who runs it',
      'What we store',
      'What we never store',
      'How to withdraw',
    ]) {
      expect(res.text).toContain(heading);
    }
    expect(res.text).toContain('1+ Million Genomes');
  });
});

describe('closed and unknown questionnaires', () => {
  it('an unknown questionnaire gets a localised 404 page', async () => {
    const res = await request(t.app).get('/de/q/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/<html lang="de"/);
    expect(res.text).toContain('Seite nicht gefunden');
  });

  it('a closed questionnaire gets a localised page naming it, and refuses answers', async () => {
    const citizen = new Citizen(t.app);
    await citizen.begin('pl');
    await t.deps.questionnaireAdmin.setStatus(DEMO, 'closed');
    try {
      const res = await citizen.get(`/pl/q/${DEMO}`);
      expect(res.status).toBe(410);
      expect(res.text).toMatch(/<html lang="pl"/);
      const doc = (await t.deps.repositories.questionnaires.findPublished(DEMO))!.definition;
      expect(res.text).toContain(doc.title.pl);
      const posted = await citizen.post(`/pl/q/${DEMO}/s/1`, {
        familiarity: 'heard_little',
        action: 'next',
      });
      expect(posted.status).toBe(410);
      expect(Number((await t.db('responses').count('* as n').first())?.n)).toBe(0);
    } finally {
      await t.deps.questionnaireAdmin.setStatus(DEMO, 'open');
    }
  });

  it('an unknown path in an unknown language prefix is a 404 in the negotiated language', async () => {
    const res = await request(t.app).get('/xx/whatever').set('Accept-Language', 'fr');
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/<html lang="fr"/);
  });
});

describe('site pages', () => {
  it('the home page lists the open consultation', async () => {
    const res = await request(t.app).get('/it/');
    expect(res.status).toBe(200);
    expect(res.text).toContain(`href="/it/q/${DEMO}"`);
  });

  it('/ redirects to the negotiated language', async () => {
    const res = await request(t.app).get('/').set('Accept-Language', 'nb-NO');
    expect(res.headers.location).toBe('/nb/');
  });

  it.each(LANGUAGES.map((l) => l.code))(
    'the accessibility statement exists in %s and is linked from the footer',
    async (lang) => {
      const res = await request(t.app).get(`/${lang}/accessibility`);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`href="/${lang}/accessibility"`);
      expect(res.text).toContain('WCAG');
      expect(res.text).toContain('2.2');
    },
  );
});

describe('security headers', () => {
  it('sends a strict same-origin Content-Security-Policy and no referrer', async () => {
    const res = await request(t.app).get(`/en/q/${DEMO}`);
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('pages contain no inline script or style', async () => {
    const res = await request(t.app).get(`/en/q/${DEMO}`);
    expect(res.text).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(res.text).not.toMatch(/\sstyle=|<style/);
  });
});

describe('health', () => {
  it('/healthz answers 200 and /readyz 200 while the database answers', async () => {
    expect((await request(t.app).get('/healthz')).status).toBe(200);
    expect((await request(t.app).get('/readyz')).body).toEqual({ status: 'ready' });
  });
});
