import type { Knex } from 'knex';
import { DEMO, type Citizen } from './citizen.js';

/** Downloads a file as bytes (supertest would otherwise parse JSON and drop XLSX). */
export async function downloadBytes(browser: Citizen, path: string) {
  const res = await browser.agent
    .get(path)
    .buffer(true)
    .parse((response, callback) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => callback(null, Buffer.concat(chunks)));
    });
  return { res, data: res.body as Buffer };
}

/** The demo questionnaire's country, so that its coordinators may read its results. */
export async function demoCountry(db: Knex): Promise<string> {
  const row = (await db('questionnaires').where('slug', DEMO).first('country')) as {
    country: string;
  };
  return row.country;
}

/** Respondents in the maintained cells (exact, before protection). */
export async function foldedResponses(db: Knex): Promise<number> {
  const row = (await db('result_cells')
    .where({ question_key: '$responses', dimension: '' })
    .sum('count as n')
    .first()) as { n: string | null };
  return Number(row.n ?? 0);
}
