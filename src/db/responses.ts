import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { PoolClient as PgClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { ResponseRow } from '../domain/questionnaire/journey.js';
import { answerRows, INSERT_TEXTS_OF_STORED } from './answer-rows.js';
import { useAccessCode } from './access-codes.js';
import { folded, withdrawInto } from './aggregates.js';
import { batched, CallFailed } from './batch.js';
import { prepared, type Db } from './knex.js';
import { countHitsFrom, type LimitHit } from './rate-limits.js';

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
 * Every response stored waits for a fold (migration 20261123001000): listed by the statement
 * that stores it, from its `stored` rows.
 */
const WAITING_OF_STORED = `insert into responses_waiting (questionnaire_id, response_id)
  select questionnaire_id, id from stored`;

/**
 * One statement (atomic by itself, and one round trip to the server) stores the submissions of
 * several drafts: deletes each draft, and only when it was there inserts its response, with its
 * answer rows in one column (and its free-text answers as rows of `answers`, for the text
 * pages). The submissions come as one JSON array of rows. (JSON rather than an array per
 * column: PostgreSQL sizes an `unnest` by its arrays, so it planned the statement anew for
 * every batch; it gives a JSON row set one estimate whatever its length, so it keeps one plan.)
 */
const STORE_SUBMISSIONS = `with submitted as (
    select * from jsonb_to_recordset($1::jsonb) as s (token_hash text, questionnaire_id uuid,
      id uuid, version_id uuid, language text, iso_week text, record_key float8,
      receipt_hash text, answer_rows jsonb)
  ), draft as (
    delete from drafts d using submitted s where d.token_hash = s.token_hash
    returning d.token_hash
  ), stored as (
    insert into responses (questionnaire_id, id, version_id, language, iso_week, record_key,
      receipt_hash, answer_rows)
    select s.questionnaire_id, s.id, s.version_id, s.language, s.iso_week, s.record_key,
      s.receipt_hash, s.answer_rows
      from submitted s join draft using (token_hash)
    returning questionnaire_id, id, answer_rows
  ), texts as (${INSERT_TEXTS_OF_STORED}), waiting as (${WAITING_OF_STORED})
  select id from stored`;

/** A submission to store, with the hash of the draft it came from. */
interface Submission {
  response: NewResponse;
  tokenHash: string;
}

type Stored = 'stored' | 'draft-gone';

/** Stores submissions, each of a different draft, by one STORE_SUBMISSIONS. */
async function storeSubmissions(on: Db, submissions: readonly Submission[]): Promise<Stored[]> {
  const submitted = submissions.map(({ response: r, tokenHash }) => ({
    token_hash: tokenHash,
    questionnaire_id: r.questionnaireId,
    id: r.id,
    version_id: r.versionId,
    language: r.language,
    iso_week: r.isoWeek,
    record_key: r.recordKey,
    receipt_hash: r.receiptHash,
    answer_rows: answerRows(r.rows),
  }));
  const rows = await prepared<{ id: string }>(on, 'store-submissions', STORE_SUBMISSIONS, [
    JSON.stringify(submitted),
  ]);
  const stored = new Set(rows.map((row) => row.id));
  return submissions.map((s) => (stored.has(s.response.id) ? 'stored' : 'draft-gone'));
}

/**
 * What became of a draft submitted as it is: its response stored; submitted by another request
 * a moment before (a double click); refused by the client's limit on submissions (nothing
 * stored or deleted); or not submitted, nothing stored or deleted, but the hit counted.
 */
export type Submitted = 'stored' | 'draft-gone' | 'too-many' | 'not-submitted';

/** Submits drafts, each a different one, as they are, by one SUBMIT_DRAFTS. */
async function submitDrafts(on: Db, submissions: readonly DraftSubmission[]): Promise<Submitted[]> {
  const submitted = submissions.map((s, n) => ({
    n,
    token_hash: s.tokenHash,
    questionnaire_id: s.questionnaireId,
    id: s.id,
    language: s.language,
    iso_week: s.isoWeek,
    record_key: s.recordKey,
    receipt_hash: s.receiptHash,
    limit_key: s.hit.key,
    limit_hits: s.hit.limit,
    limit_seconds: s.hit.seconds,
  }));
  const rows = await prepared<{ id: string; refused: boolean }>(
    on,
    'submit-drafts',
    SUBMIT_DRAFTS,
    [JSON.stringify(submitted)],
  );
  const outcome = new Map(
    rows.map((row) => [row.id, row.refused ? 'too-many' : 'stored'] as const),
  );
  return submissions.map((s) => outcome.get(s.id) ?? 'not-submitted');
}

/**
 * Whether PostgreSQL refused a statement (a constraint, a value, a deadlock: severity ERROR),
 * rather than the connection or the server failing (FATAL or PANIC, or no answer at all).
 */
function refusedStatement(error: unknown): boolean {
  return (error as { severity?: unknown } | null)?.severity === 'ERROR';
}

/**
 * The free-text rows of `answers` of the responses a statement deletes (`gone`), in the same
 * statement. Nothing else deletes them: answers have no foreign key to their response (see
 * migration 20261123000700). A response's other answers are in its own row.
 */
const DELETE_ANSWERS_OF_GONE = `delete from answers a using gone
   where a.questionnaire_id = gone.questionnaire_id and a.response_id = gone.id`;

/**
 * A submission of a draft as it is, without reading it first: the response's own fields, the
 * draft they go with, and the client's hit on its limit of submissions.
 */
export interface DraftSubmission {
  tokenHash: string;
  questionnaireId: string;
  id: string;
  language: string;
  isoWeek: string;
  recordKey: number;
  receiptHash: string;
  hit: LimitHit;
}

/**
 * One statement counts the hits of several submissions on their clients' limits and stores
 * those within their limit: it deletes each draft that can be submitted as it is (complete,
 * so holding its answer rows; of that questionnaire; live; without an access code), and for
 * each one deleted inserts its response with those answer rows in one column: one row for a
 * submission, whatever its number of answers (and a row of `answers` for each free-text
 * answer). A draft not deleted gets no response: its submission goes the long way, its hit
 * counted. Hits of one client in one statement count in their order (`n`), as if one by one;
 * the statement answers the ids stored and those refused by their limit.
 */
const SUBMIT_DRAFTS = `with submitted as (
    select * from jsonb_to_recordset($1::jsonb) as s (n int, token_hash text,
      questionnaire_id uuid, id uuid, language text, iso_week text, record_key float8,
      receipt_hash text, limit_key text, limit_hits int, limit_seconds float8)
  ), hits as (${countHitsFrom(
    `select limit_key as key, count(*) as hits, min(limit_seconds) as seconds
       from submitted group by limit_key`,
  )}), counted as (
    select s.*, h.hits - count(*) over client + row_number() over (client order by s.n) as hit
      from submitted s join hits h on h.key = s.limit_key
    window client as (partition by s.limit_key)
  ), draft as (
    delete from drafts d using counted s
     where d.token_hash = s.token_hash and d.questionnaire_id = s.questionnaire_id
       and s.hit <= s.limit_hits
       and d.answer_rows is not null and d.access_code_hash is null and d.expires_at > now()
    returning d.token_hash, d.version_id, d.answer_rows
  ), stored as (
    insert into responses (questionnaire_id, id, version_id, language, iso_week, record_key,
      receipt_hash, answer_rows)
    select s.questionnaire_id, s.id, d.version_id, s.language, s.iso_week, s.record_key,
      s.receipt_hash, d.answer_rows
      from submitted s join draft d using (token_hash)
    returning questionnaire_id, id, answer_rows
  ), texts as (${INSERT_TEXTS_OF_STORED}), waiting as (${WAITING_OF_STORED})
  select id, false as refused from stored
  union all
  select id, true from counted where hit > limit_hits`;

/**
 * Calls gathered into one statement (see batched), with a draft's calls after the first
 * dropped from it: a draft can be in a statement once. Each call dropped is answered
 * `again(the first call's answer)`. When PostgreSQL refuses the statement,
 * each call is tried again alone, so that one call it refuses fails no other, and each gets its
 * own answer. When the database cannot be reached, they all fail at once: trying each again
 * would only wait again.
 */
function batchedByDraft<K extends { tokenHash: string }, R>(
  run: (keys: K[]) => Promise<R[]>,
  again: (first: R) => R,
) {
  const firstOfEachDraft = async (keys: K[]): Promise<R[]> => {
    const first = new Map<string, K>();
    for (const key of keys) if (!first.has(key.tokenHash)) first.set(key.tokenHash, key);
    const sent = [...first.values()];
    const results = new Map(zip(sent, await run(sent)));
    return keys.map((key) => results.get(key) ?? again(results.get(first.get(key.tokenHash)!)!));
  };
  return batched(async (keys: K[]): Promise<(R | CallFailed)[]> => {
    if (keys.length === 1) return firstOfEachDraft(keys);
    return firstOfEachDraft(keys).catch((error: unknown) => {
      if (!refusedStatement(error)) throw error;
      return Promise.all(
        keys.map((key) =>
          firstOfEachDraft([key]).then(
            ([result]) => result as R,
            (alone: unknown) => new CallFailed(alone),
          ),
        ),
      );
    });
  });
}

function zip<A, B>(as: readonly A[], bs: readonly B[]): [A, B][] {
  return as.map((a, i) => [a, bs[i] as B]);
}

export function responseRepository(db: Db) {
  const storeOne = (submission: Submission, on: Db = db) =>
    storeSubmissions(on, [submission]).then(([stored]) => stored as Stored);

  /** Submissions made while a statement stores others go together into the next one. */
  const storeBatched = batchedByDraft(
    (submissions: Submission[]) => storeSubmissions(db, submissions),
    (): Stored => 'draft-gone',
  );

  const submitBatched = batchedByDraft(
    (submissions: DraftSubmission[]) => submitDrafts(db, submissions),
    (first: Submitted): Submitted => (first === 'stored' ? 'draft-gone' : first),
  );

  return {
    /**
     * Counts the submission's hit on its client's limit, and within the limit submits the draft
     * as it is, without reading it: 'stored' when its response is stored and the draft deleted;
     * 'draft-gone' when the same draft's submission in the same statement was (that one hit
     * counted). 'too-many' (nothing stored or deleted) when the hit is over the limit.
     * 'not-submitted' (nothing stored or deleted, the hit counted) when there is no such draft
     * to submit as it is: gone, expired, of another questionnaire, incomplete, or with an access
     * code; the submission then has to read it (insert). Submissions made meanwhile go
     * together into the next statement.
     */
    submitDraft: submitBatched,

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
     * Stores many responses in one transaction, for loading simulated data: responses (with
     * their answer rows), their rows waiting for a fold and free-text answers are each filled by
     * one COPY (PostgreSQL's bulk load, which parses a line per row and writes pages in bulk).
     */
    async insertMany(responses: readonly NewResponse[]): Promise<void> {
      if (responses.length === 0) return;
      const responseLines: string[] = [];
      const waitingLines: string[] = [];
      const textLines: string[] = [];
      for (const r of responses) {
        waitingLines.push(`${r.questionnaireId}\t${r.id}\n`);
        responseLines.push(
          `${r.questionnaireId}\t${r.id}\t${r.versionId}\t${copyText(r.language)}\t` +
            `${copyText(r.isoWeek)}\t${r.recordKey}\t${copyText(r.receiptHash)}\t` +
            `${copyText(JSON.stringify(answerRows(r.rows)))}\n`,
        );
        const prefix = `${r.questionnaireId}\t${r.id}\t`;
        r.rows.forEach((row, ordinal) => {
          if (row.freeText === true) textLines.push(textLine(prefix, ordinal, row));
        });
      }
      await db.transaction(async (trx) => {
        // Losing the last batches in a crash is harmless here; waiting for each flush is not.
        await trx.raw('set local synchronous_commit = off');
        const connection = (await trx.client.acquireConnection()) as PgClient;
        await copyInto(
          connection,
          `responses (questionnaire_id, id, version_id, language, iso_week, record_key,
             receipt_hash, answer_rows)`,
          responseLines,
        );
        await copyInto(
          connection,
          'responses_waiting (questionnaire_id, response_id)',
          waitingLines,
        );
        if (textLines.length > 0) await copyInto(connection, ANSWER_COLUMNS, textLines);
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
              select r.id from responses r
               where r.questionnaire_id = :q
                 and ${folded('r.questionnaire_id', 'r.id')}
               limit :limit)
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

const ANSWER_COLUMNS =
  'answers (questionnaire_id, response_id, ordinal, question_key, item, value, free_text)';

/** A free-text answer row in COPY's text format, after `questionnaire_id\tresponse_id\t`. */
function textLine(prefix: string, ordinal: number, row: ResponseRow): string {
  return (
    `${prefix}${ordinal}\t${copyText(row.questionKey)}\t${copyText(row.item)}\t` +
    `${copyText(row.value)}\tt\n`
  );
}

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
