import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient as PgClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ResponseRow } from '../domain/questionnaire/journey.js';
import { useAccessCode } from './access-codes.js';
import { withdrawInto } from './aggregates.js';
import { batched, CallFailed } from './batch.js';
import { prepared, type Db } from './knex.js';

/** Exactly what is stored about a submitted response: nothing else exists to store. */
export interface NewResponse {
  questionnaireId: string;
  id: string;
  versionId: string;
  language: string;
  isoWeek: string;
  recordKey: number;
  receiptHash: string;
  rows: ResponseRow[];
}

/** Thrown inside a transaction to roll it back when the draft was gone. */
const DRAFT_GONE = Symbol('draft gone');

/**
 * One statement (atomic by itself, and one round trip to the server) stores the submissions of
 * several drafts: deletes each draft, and only when it was there inserts its response and the
 * response's answers. Submissions and answers come as two JSON arrays of rows; `submission`
 * links an answer to its submission. (JSON rather than an array per column: PostgreSQL sizes an
 * `unnest` by its arrays, so it planned the statement anew for every batch; it gives a JSON
 * row set one estimate whatever its length, so it keeps one plan.)
 */
const STORE_SUBMISSIONS = `with submitted as (
    select * from jsonb_to_recordset($1::jsonb) as s (submission int, token_hash text,
      questionnaire_id uuid, id uuid, version_id uuid, language text, iso_week text,
      record_key float8, receipt_hash text)
  ), draft as (
    delete from drafts d using submitted s where d.token_hash = s.token_hash
    returning d.token_hash
  ), response as (
    insert into responses
      (questionnaire_id, id, version_id, language, iso_week, record_key, receipt_hash)
    select s.questionnaire_id, s.id, s.version_id, s.language, s.iso_week, s.record_key,
      s.receipt_hash
    from submitted s join draft using (token_hash)
    returning questionnaire_id, id
  ), stored_answers as (
    insert into answers
      (questionnaire_id, response_id, ordinal, question_key, item, value, free_text)
    select s.questionnaire_id, s.id, a.ordinal, a.question_key, a.item, a.value, a.free_text
    from jsonb_to_recordset($2::jsonb) as a (submission int, ordinal smallint, question_key text,
        item text, value text, free_text boolean)
      join submitted s using (submission)
      join response r on r.questionnaire_id = s.questionnaire_id and r.id = s.id
  )
  select id from response`;

/** A submission to store, with the hash of the draft it came from. */
interface Submission {
  response: NewResponse;
  tokenHash: string;
}

type Stored = 'stored' | 'draft-gone';

/**
 * Stores submissions by one STORE_SUBMISSIONS. A draft can be in `submissions` twice (a double
 * click): only its first submission goes into the statement, so only one can be stored.
 */
async function storeSubmissions(on: Db, submissions: readonly Submission[]): Promise<Stored[]> {
  const first = new Map<string, Submission>();
  for (const s of submissions) if (!first.has(s.tokenHash)) first.set(s.tokenHash, s);
  const sent = [...first.values()];
  const submitted = sent.map(({ response: r, tokenHash }, i) => ({
    submission: i,
    token_hash: tokenHash,
    questionnaire_id: r.questionnaireId,
    id: r.id,
    version_id: r.versionId,
    language: r.language,
    iso_week: r.isoWeek,
    record_key: r.recordKey,
    receipt_hash: r.receiptHash,
  }));
  const answers = sent.flatMap((s, submission) =>
    s.response.rows.map((row, ordinal) => ({
      submission,
      ordinal,
      question_key: row.questionKey,
      item: row.item,
      value: row.value,
      free_text: row.freeText === true,
    })),
  );
  const rows = await prepared<{ id: string }>(on, 'store-submissions', STORE_SUBMISSIONS, [
    JSON.stringify(submitted),
    JSON.stringify(answers),
  ]);
  const stored = new Set(rows.map((row) => row.id));
  return submissions.map((s) => (stored.has(s.response.id) ? 'stored' : 'draft-gone'));
}

/**
 * Whether PostgreSQL refused a statement (a constraint, a value, a deadlock: severity ERROR),
 * rather than the connection or the server failing (FATAL or PANIC, or no answer at all).
 */
function refusedStatement(error: unknown): boolean {
  return (error as { severity?: unknown } | null)?.severity === 'ERROR';
}

/**
 * The answers of the responses a statement deletes (`gone`), in the same statement. Nothing else
 * deletes them: answers have no foreign key to their response (see migration 20261123000700).
 */
const DELETE_ANSWERS_OF_GONE = `delete from answers a using gone
   where a.questionnaire_id = gone.questionnaire_id and a.response_id = gone.id`;

export function responseRepository(db: Db) {
  const storeOne = (submission: Submission, on: Db = db) =>
    storeSubmissions(on, [submission]).then(([stored]) => stored as Stored);

  /**
   * Submissions made while a statement stores others go together into the next statement (see
   * batched): one commit, and one round trip, for the submissions of many citizens. When
   * PostgreSQL refuses that statement, each of its submissions is tried again alone, so that
   * one submission it refuses fails no other, and each gets its own answer. When the database
   * cannot be reached, the batch fails at once: trying each again would only wait again.
   */
  const storeBatched = batched(
    async (submissions: Submission[]): Promise<(Stored | CallFailed)[]> => {
      if (submissions.length === 1) return storeSubmissions(db, submissions);
      return storeSubmissions(db, submissions).catch((error: unknown) => {
        if (!refusedStatement(error)) throw error;
        return Promise.all(
          submissions.map((submission) =>
            storeOne(submission).catch((alone: unknown) => new CallFailed(alone)),
          ),
        );
      });
    },
  );

  return {
    /**
     * Stores the response and its answers and deletes the draft, all or nothing. Without a draft
     * to delete (the same draft submitted twice at once, or expired and purged meanwhile),
     * nothing is stored and the answer is 'draft-gone'. A draft unlocked by an access code first
     * uses the code up; when it was used meanwhile, nothing is stored or deleted and the answer
     * is 'code-used'. The response keeps nothing of the code.
     */
    async insert(
      response: NewResponse,
      draft: { tokenHash: string; accessCodeHash: string | null },
    ): Promise<'stored' | 'code-used' | 'draft-gone'> {
      const submission = { response, tokenHash: draft.tokenHash };
      if (draft.accessCodeHash === null) return storeBatched(submission);
      const accessCodeHash = draft.accessCodeHash;
      return db
        .transaction(async (trx) => {
          if (!(await useAccessCode(trx, response.questionnaireId, accessCodeHash)))
            return 'code-used' as const;
          // Rolls the code's use back: the same draft's other submission stored the response.
          if ((await storeOne(submission, trx)) === 'draft-gone') throw DRAFT_GONE;
          return 'stored' as const;
        })
        .catch((error: unknown) => {
          if (error === DRAFT_GONE) return 'draft-gone' as const;
          throw error;
        });
    },

    /**
     * Stores many responses and their answers in one transaction, for loading simulated data:
     * each table is filled by one COPY (PostgreSQL's bulk load, which parses a line per row and
     * writes pages in bulk), several times faster than INSERT for the 33 answers of a response.
     */
    async insertMany(responses: readonly NewResponse[]): Promise<void> {
      if (responses.length === 0) return;
      const responseLines: string[] = [];
      const answerLines: string[] = [];
      for (const r of responses) {
        responseLines.push(
          `${r.questionnaireId}\t${r.id}\t${r.versionId}\t${copyText(r.language)}\t` +
            `${copyText(r.isoWeek)}\t${r.recordKey}\t${copyText(r.receiptHash)}\n`,
        );
        const prefix = `${r.questionnaireId}\t${r.id}\t`;
        r.rows.forEach((row, ordinal) => {
          answerLines.push(
            `${prefix}${ordinal}\t${copyText(row.questionKey)}\t${copyText(row.item)}\t` +
              `${copyText(row.value)}\t${row.freeText === true ? 't' : 'f'}\n`,
          );
        });
      }
      await db.transaction(async (trx) => {
        // Losing the last batches in a crash is harmless here; waiting for each flush is not.
        await trx.raw('set local synchronous_commit = off');
        const connection = (await trx.client.acquireConnection()) as PgClient;
        await copyInto(
          connection,
          'responses (questionnaire_id, id, version_id, language, iso_week, record_key, receipt_hash)',
          responseLines,
        );
        if (answerLines.length > 0)
          await copyInto(
            connection,
            'answers (questionnaire_id, response_id, ordinal, question_key, item, value, free_text)',
            answerLines,
          );
      });
    },

    /** Whether a response with this id exists in the questionnaire. */
    async exists(questionnaireId: string, id: string): Promise<boolean> {
      const row: unknown = await db('responses')
        .where({ questionnaire_id: questionnaireId, id })
        .first('id');
      return row !== undefined;
    },

    /**
     * Retention: deletes up to `limit` responses already folded into the aggregates, with their
     * answers. Returns how many were deleted.
     */
    async deleteAggregated(questionnaireId: string, limit: number): Promise<number> {
      const result = await db.raw<{ rows: { deleted: number }[] }>(
        `with gone as (
           delete from responses
            where questionnaire_id = :q and id in (
              select id from responses where questionnaire_id = :q and aggregated limit :limit)
           returning questionnaire_id, id
         ), answers_gone as (${DELETE_ANSWERS_OF_GONE})
         select count(*)::int as deleted from gone`,
        { q: questionnaireId, limit },
      );
      return result.rows[0]?.deleted ?? 0;
    },

    /** Deletes the response a receipt belongs to, with its answers. */
    async deleteByReceipt(receiptHash: string): Promise<boolean> {
      return db.transaction(async (trx) => {
        const found = (await trx('responses')
          .where('receipt_hash', receiptHash)
          .forUpdate()
          .first('questionnaire_id', 'id')) as { questionnaire_id: string; id: string } | undefined;
        if (!found) return false;
        // What it added to the results leaves them with the next batch, not at once.
        await withdrawInto(trx, found.questionnaire_id, found.id);
        await trx.raw(
          `with gone as (
             delete from responses where questionnaire_id = :q and id = :id
             returning questionnaire_id, id
           ) ${DELETE_ANSWERS_OF_GONE}`,
          { q: found.questionnaire_id, id: found.id },
        );
        return true;
      });
    },
  };
}

export type ResponseRepository = ReturnType<typeof responseRepository>;

/** A value in COPY's text format: backslash, tab and line ends escaped (NUL cannot occur in text). */
function copyText(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => COPY_ESCAPES[c] ?? c)
    : value;
}

const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\t': '\\t',
  '\n': '\\n',
  '\r': '\\r',
};

/** Streams lines of COPY text format into a table, in chunks of about a megabyte. */
async function copyInto(connection: PgClient, table: string, lines: readonly string[]) {
  async function* chunks() {
    const CHUNK = 4096;
    for (let i = 0; i < lines.length; i += CHUNK) yield lines.slice(i, i + CHUNK).join('');
  }
  await pipeline(Readable.from(chunks()), connection.query(copyFrom(`copy ${table} from stdin`)));
}
