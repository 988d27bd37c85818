import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { addKey, type RawCell } from '../domain/disclosure/index.js';
import { ABANDONED, type CellCount } from '../domain/results.js';
import {
  ANSWER_SEPARATOR,
  ResultTally,
  type CellChange,
  type TalliedResponse,
} from '../domain/results-tally.js';
import type { AnswerRow } from './answer-rows.js';
import type { Db } from './knex.js';

/** One maintained cell: respondents and the sum of their 32-bit record keys (mod 2^32). */
export type AggregateRow = CellCount;

const KEY_SPACE = '4294967296';

/**
 * Responses a fold counts per transaction, unless told otherwise. A fold's transaction costs
 * the database about the same whatever its size for the cells it adds to (a batch of simulated
 * responses changes about 9,500 of the demo's), and the app, in time and memory, in proportion
 * to its responses (about 80 µs each); citizens submitting meanwhile share both. In batches of
 * 10,000, submissions at 650/s waited up to 0.7 s (p99), in batches of 2,000 about 0.1-0.2 s.
 * A bulk load folds in larger batches (fewer statements on the cells).
 */
export const FOLD_BATCH = 2_000;

/**
 * Responses a fold counts (their answer rows parsed from JSON here, not by the driver as the
 * rows arrive) before it lets the event loop answer other requests: about 5 ms. In steps of
 * 500, with the rows parsed by the driver, a fold held requests up for up to 130 ms.
 */
const TALLIED_AT_ONE_GO = 100;

/** A response as a fold reads it: its record key as a 32-bit integer, and its answer rows. */
interface TalliedRow {
  k: string;
  language: string;
  iso_week: string;
  /** As JSON text: parsed a response at a time, while tallying (see foldBatch). */
  answer_rows: string;
}

/** The record key as a 32-bit integer, with the columns TalliedRow reads. */
const TALLIED_COLUMNS = `language, iso_week, cast(floor(record_key * ${KEY_SPACE}) as bigint) as k,
  cast(answer_rows as text) as answer_rows`;

/**
 * SQL: whether the response of these columns is counted in the aggregates, that is, no longer
 * waiting for a fold (`responses_waiting`).
 */
export const folded = (questionnaireId: string, responseId: string) =>
  `not exists (select from responses_waiting w
                where w.questionnaire_id = ${questionnaireId} and w.response_id = ${responseId})`;

/** A value's characters that join an answer's fields and rows elsewhere are read as spaces. */
function plain(value: string): string {
  return value.includes('\u001e') || value.includes('\u001f')
    ? value.replaceAll('\u001e', ' ').replaceAll('\u001f', ' ')
    : value;
}

/** A response's answers to the questions `counted`, as a ResultTally reads them. */
function tallied(row: TalliedRow, counted: (questionKey: string) => boolean): TalliedResponse {
  const answers: string[] = [];
  for (const [questionKey, item, value] of JSON.parse(row.answer_rows) as AnswerRow[]) {
    if (!counted(questionKey)) continue;
    answers.push(`${questionKey}${ANSWER_SEPARATOR}${item}${ANSWER_SEPARATOR}${plain(value)}`);
  }
  return { k: Number(row.k), language: row.language, isoWeek: row.iso_week, answers };
}

/** Cell changes as the arrays of one `unnest(...)`: one statement whatever their number. */
function changeArrays(changes: readonly CellChange[]) {
  return {
    keys: changes.map((c) => c.questionKey),
    items: changes.map((c) => c.item),
    values: changes.map((c) => c.value),
    dimensions: changes.map((c) => c.dimension),
    groupValues: changes.map((c) => c.groupValue),
    counts: changes.map((c) => c.count),
    keySums: changes.map((c) => c.keySum),
  };
}

const UNNEST_CHANGES = `unnest(cast(:keys as text[]), cast(:items as text[]), cast(:values as text[]),
    cast(:dimensions as text[]), cast(:groupValues as text[]), cast(:counts as bigint[]),
    cast(:keySums as bigint[]))
    as c(question_key, item, value, dimension, group_value, count, key_sum)`;

/** A change (`x`) is to this cell (`c`) of its questionnaire. */
const SAME_CELL = `c.dimension = x.dimension and c.question_key = x.question_key
  and c.item = x.item and c.value = x.value and c.group_value = x.group_value`;

/**
 * Adds `changes` (a CTE) to the cells: cells that exist by an UPDATE (an upsert would also lock
 * each one first: a WAL record more per cell, and a fold of thousands of responses changes
 * about ten thousand), the others by an INSERT. Folds of a questionnaire run one at a time, so
 * a cell appears meanwhile only by a fold of abandoned starts, whose cell the conflict clause
 * adds to.
 */
const ADD_TO_CELLS = `, added as (
    update result_cells c
       set count = c.count + x.count,
           key_sum = ((c.key_sum + x.key_sum) % ${KEY_SPACE} + ${KEY_SPACE}) % ${KEY_SPACE}
      from changes x
     where c.questionnaire_id = :questionnaire and ${SAME_CELL}
    returning c.dimension, c.question_key, c.item, c.value, c.group_value
  )
  insert into result_cells
    (questionnaire_id, question_key, item, value, dimension, group_value, count, key_sum)
  select :questionnaire, question_key, item, value, dimension, group_value, count,
         ((key_sum % ${KEY_SPACE}) + ${KEY_SPACE}) % ${KEY_SPACE}
    from changes x
   where not exists (select from added c where ${SAME_CELL})
  on conflict (questionnaire_id, dimension, question_key, item, value, group_value)
  do update set
    count = result_cells.count + excluded.count,
    key_sum = ((result_cells.key_sum + excluded.key_sum) % ${KEY_SPACE} + ${KEY_SPACE}) % ${KEY_SPACE}`;

/**
 * Before a response is deleted, in the deleting transaction: takes it off the responses waiting
 * for a fold, if it is there (then it was never counted, and there is nothing to take back);
 * otherwise what it added waits, negated, for the next fold (result_adjustments), in the
 * breakdowns already in the aggregates. A fold counting it at this moment holds its waiting row
 * until it commits: the response is then counted, and taken back.
 */
export async function withdrawInto(
  trx: Knex.Transaction,
  questionnaireId: string,
  responseId: string,
): Promise<void> {
  const waited = await trx.raw(
    `delete from responses_waiting where questionnaire_id = ? and response_id = ? returning 1`,
    [questionnaireId, responseId],
  );
  if (waited.rows.length > 0) return;
  // What the response added: its answers to the questions the cells count, in the breakdowns
  // they hold (both read from the cells, as the fold left them).
  const [response] = (
    await trx.raw(
      `select ${TALLIED_COLUMNS},
              array(select distinct question_key from result_cells
                     where questionnaire_id = :questionnaire and dimension = '') as counted
         from responses
        where questionnaire_id = :questionnaire and id = :response`,
      { questionnaire: questionnaireId, response: responseId },
    )
  ).rows as (TalliedRow & { counted: string[] })[];
  if (!response) return;
  const counted = new Set(response.counted);
  const dimensions = (
    (await trx('result_cells')
      .where('questionnaire_id', questionnaireId)
      .distinct('dimension')) as { dimension: string }[]
  ).map((d) => d.dimension);
  const tally = new ResultTally(new Set(dimensions));
  tally.add(
    tallied(response, (key) => counted.has(key)),
    -1,
  );
  await trx.raw(
    `insert into result_adjustments
       (questionnaire_id, withdrawal_id, question_key, item, value, dimension, group_value,
        count, key_sum)
     select :questionnaire, :withdrawal, question_key, item, value, dimension, group_value,
            count, key_sum
       from ${UNNEST_CHANGES}`,
    { questionnaire: questionnaireId, withdrawal: randomUUID(), ...changeArrays(tally.changes()) },
  );
}

/**
 * Counts drafts deleted unsubmitted (one questionnaire id per draft) as abandoned starts, each
 * with a fresh random 32-bit record key, into the counts waiting to be published (see
 * foldAbandoned). Call inside the deleting transaction, so that a draft counts exactly once.
 */
export async function addAbandonedInto(
  trx: Knex.Transaction,
  questionnaireIds: string[],
): Promise<void> {
  const waiting = new Map<string, RawCell>();
  for (const id of [...questionnaireIds].sort()) {
    const cell = waiting.get(id) ?? { count: 0, keySum: 0 };
    const recordKey = randomBytes(4).readUInt32BE(0);
    waiting.set(id, { count: cell.count + 1, keySum: addKey(cell.keySum, recordKey) });
  }
  if (waiting.size === 0) return;
  await trx('result_abandoned_pending')
    .insert(
      [...waiting].map(([id, cell]) => ({
        questionnaire_id: id,
        count: cell.count,
        key_sum: cell.keySum,
      })),
    )
    .onConflict('questionnaire_id')
    .merge({
      count: trx.raw('result_abandoned_pending.count + excluded.count'),
      key_sum: trx.raw(`(result_abandoned_pending.key_sum + excluded.key_sum) % ${KEY_SPACE}`),
    });
}

/**
 * Every change of a questionnaire's cells moves its generation on, in the same transaction:
 * readers keep protected tables per generation (src/services/results-cache.ts).
 */
async function nextGeneration(trx: Knex.Transaction, questionnaireId: string): Promise<void> {
  await trx.raw(
    `insert into result_generations (questionnaire_id, generation) values (?, 1)
     on conflict (questionnaire_id)
     do update set generation = result_generations.generation + 1`,
    [questionnaireId],
  );
}

/** What a fold counts: breakdowns by the dimension questions; answers to all but `uncounted`. */
export interface FoldScope {
  dimensions: readonly string[];
  /** Questions without tables (free text): their answers are not counted, so not read. */
  uncounted?: readonly string[];
}

export function aggregateRepository(db: Db) {
  /** Responses and withdrawals not yet in the published numbers. */
  async function pending(trx: Knex.Transaction | Db, questionnaireId: string) {
    const [row] = (
      await trx.raw(
        `select (select count(*) from responses_waiting where questionnaire_id = :q) as responses,
                (select count(distinct withdrawal_id) from result_adjustments
                  where questionnaire_id = :q) as withdrawals`,
        { q: questionnaireId },
      )
    ).rows as { responses: string; withdrawals: string }[];
    const responses = Number(row?.responses ?? 0);
    return { responses, total: responses + Number(row?.withdrawals ?? 0) };
  }

  /**
   * One batch, in the caller's transaction: marks up to `limit` responses as counted, tallies
   * them from their answer rows, and adds them and the waiting withdrawals to the cells.
   * Returns how many responses it counted.
   */
  async function foldBatch(
    trx: Knex.Transaction,
    questionnaireId: string,
    scope: FoldScope,
    limit: number,
  ): Promise<number> {
    // Off the waiting list, and read: a response deleted meanwhile (withdrawn before it was
    // counted) has left the list with it.
    const rows = (
      await trx.raw(
        `with counted as (
           delete from responses_waiting
            where questionnaire_id = :questionnaire and response_id = any(array(
              select response_id from responses_waiting
               where questionnaire_id = :questionnaire
               limit :limit))
           returning response_id
         )
         select ${TALLIED_COLUMNS}
           from counted c
           join responses r on r.questionnaire_id = :questionnaire and r.id = c.response_id`,
        { questionnaire: questionnaireId, limit },
      )
    ).rows as TalliedRow[];
    const uncounted = new Set(scope.uncounted);
    const counted = (key: string) => !uncounted.has(key);
    const tally = new ResultTally(new Set(scope.dimensions));
    for (const [i, row] of rows.entries()) {
      tally.add(tallied(row, counted), 1);
      // Folds run in a serving process (housekeeping, results views): counting a batch at one go
      // would hold every request up (2,000 responses take about 100 ms).
      if (i % TALLIED_AT_ONE_GO === TALLIED_AT_ONE_GO - 1) await new Promise(setImmediate);
    }
    await trx.raw(
      `with changes as (
         select question_key, item, value, dimension, group_value,
                sum(count) as count, sum(key_sum) as key_sum
           from (
             select question_key, item, value, dimension, group_value, count, key_sum
               from ${UNNEST_CHANGES}
             union all
             select question_key, item, value, dimension, group_value, count, key_sum
               from result_adjustments where questionnaire_id = :questionnaire
           ) as each_change
          group by 1, 2, 3, 4, 5
       ) ${ADD_TO_CELLS}`,
      { questionnaire: questionnaireId, ...changeArrays(tally.changes()) },
    );
    await trx('result_adjustments').where('questionnaire_id', questionnaireId).delete();
    await nextGeneration(trx, questionnaireId);
    return rows.length;
  }

  return {
    pending: async (questionnaireId: string) => (await pending(db, questionnaireId)).total,

    /**
     * Folds new responses and pending withdrawals into the aggregates once there are at least
     * `minimum` of them (always, when `minimum` is 0), in transactions of `batch` responses
     * (never fewer than `minimum`: the last one takes what a batch more would leave), resting
     * between them unless told not to (`rest`; by default a bulk fold in larger batches does
     * not). It folds the responses that were waiting when it began: those stored meanwhile wait
     * for the next fold, so that a fold ends while citizens keep submitting (a results view
     * folds before it shows). One fold at a time per questionnaire, even across processes; when
     * too few wait, it returns at once without locking anything. Returns about how many
     * responses and withdrawals were folded (0 when none).
     */
    async fold(
      questionnaireId: string,
      scope: FoldScope,
      minimum: number,
      batch = FOLD_BATCH,
      rest = batch <= FOLD_BATCH,
    ): Promise<number> {
      const first = await pending(db, questionnaireId);
      if (first.total === 0 || first.total < minimum) return 0;
      let folded = 0;
      let responsesLeft = first.responses;
      for (;;) {
        const began = performance.now();
        const done = await db.transaction(async (trx) => {
          // One fold at a time: `for no key update` locks out other folds, but not the key
          // share that storing a response takes on its questionnaire (its foreign key), which
          // `for update` would, holding every submission up until the batch commits.
          await trx.raw('select id from questionnaires where id = ? for no key update', [
            questionnaireId,
          ]);
          const waiting = await pending(trx, questionnaireId);
          if (waiting.total === 0 || (folded === 0 && waiting.total < minimum)) return null;
          // No batch of fewer than `minimum`: the last takes what is left when a batch more
          // would leave fewer.
          const size = Math.max(batch, minimum);
          const limit = Math.min(
            waiting.responses,
            responsesLeft - size < minimum ? responsesLeft : size,
          );
          const counted = await foldBatch(trx, questionnaireId, scope, limit);
          // Every waiting withdrawal is folded by each batch.
          return { counted, withdrawals: waiting.total - waiting.responses };
        });
        if (done === null) return folded;
        folded += done.counted + done.withdrawals;
        responsesLeft -= done.counted;
        if (responsesLeft <= 0 || done.counted === 0) return folded;
        // Citizens submitting meanwhile share the database with the fold: between batches it
        // rests as long as the batch took, so that it takes at most about half of its time.
        if (rest) await new Promise((r) => setTimeout(r, performance.now() - began));
      }
    },

    /** See addAbandonedInto; called by the drafts' purge. */
    addAbandoned: addAbandonedInto,

    /**
     * Publishes the abandoned starts waiting (`$abandoned` in the cells) once at least `step`
     * wait, so that the count moves in steps like the responses; once answering has stopped
     * (`open` false), also fewer, when the questionnaire has no draft left that could still
     * expire. Returns how many were published.
     */
    async foldAbandoned(questionnaireId: string, step: number, open: boolean): Promise<number> {
      // Every results view asks; most of the time nothing is due, and a read says so without
      // a transaction or a write.
      const waiting = (await db('result_abandoned_pending')
        .where('questionnaire_id', questionnaireId)
        .first('count')) as { count: string } | undefined;
      if (!waiting || (open && Number(waiting.count) < step)) return 0;
      return db.transaction(async (trx) => {
        const ended = open
          ? 'false'
          : 'not exists (select 1 from drafts d where d.questionnaire_id = :questionnaire)';
        const [moved] = (await trx('result_abandoned_pending')
          .where('questionnaire_id', questionnaireId)
          .andWhereRaw(`(count >= :step or ${ended})`, { step, questionnaire: questionnaireId })
          .delete()
          .returning(['count', 'key_sum'])) as { count: string; key_sum: string }[];
        if (!moved) return 0;
        await trx.raw(
          `with changes as (
             select cast(:question as text) as question_key, '' as item, '' as value,
                    '' as dimension, '' as group_value,
                    cast(:count as bigint) as count, cast(:keySum as bigint) as key_sum
           ) ${ADD_TO_CELLS}`,
          {
            questionnaire: questionnaireId,
            question: ABANDONED,
            count: moved.count,
            keySum: moved.key_sum,
          },
        );
        await nextGeneration(trx, questionnaireId);
        return Number(moved.count);
      });
    },

    /** Questionnaires with abandoned starts waiting to be published. */
    async withAbandonedPending(): Promise<string[]> {
      return db('result_abandoned_pending').orderBy('questionnaire_id').pluck('questionnaire_id');
    },

    /** A number that changes whenever a fold changes the questionnaire's cells. */
    async generation(questionnaireId: string): Promise<number> {
      const row = (await db('result_generations')
        .where('questionnaire_id', questionnaireId)
        .first('generation')) as { generation: string } | undefined;
      return Number(row?.generation ?? 0);
    },

    /** Questionnaires with responses or withdrawals waiting to be folded in. */
    async withPending(): Promise<string[]> {
      const rows = (
        await db.raw(
          `select distinct questionnaire_id from responses_waiting
         union select distinct questionnaire_id from result_adjustments`,
        )
      ).rows as { questionnaire_id: string }[];
      return rows.map((r) => r.questionnaire_id);
    },

    /** The maintained cells of one breakdown ('' for none), with counts as numbers. */
    async cells(questionnaireId: string, dimension: string): Promise<AggregateRow[]> {
      const rows = (await db('result_cells')
        .where({ questionnaire_id: questionnaireId, dimension })
        .select('question_key', 'item', 'value', 'group_value', 'count', 'key_sum')
        .orderBy(['question_key', 'item', 'value', 'group_value'])) as {
        question_key: string;
        item: string;
        value: string;
        group_value: string;
        count: string;
        key_sum: string;
      }[];
      return rows.map((r) => ({
        questionKey: r.question_key,
        item: r.item,
        value: r.value,
        groupValue: r.group_value,
        count: Number(r.count),
        keySum: Number(r.key_sum),
      }));
    },
  };
}

export type AggregateRepository = ReturnType<typeof aggregateRepository>;
