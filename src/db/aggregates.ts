import { randomBytes, randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { addKey, type RawCell } from '../domain/disclosure/index.js';
import { ABANDONED, ANSWERED, LANGUAGE, RESPONSES, WEEKS } from '../domain/results.js';
import type { Db } from './knex.js';

/** One maintained cell: respondents and the sum of their 32-bit record keys (mod 2^32). */
export interface AggregateRow {
  questionKey: string;
  item: string;
  value: string;
  groupValue: string;
  count: number;
  keySum: number;
}

const KEY_SPACE = '4294967296';

/**
 * What a set of responses adds to the aggregates, as rows of (question, item, value, dimension,
 * group, count, key sum). `batch` is a CTE selecting (id, language, iso_week, k) of the
 * responses; every answer counts for everyone, for its language and for the response's answer
 * to each dimension question.
 */
/** `dimensions`: a condition on `a.question_key` that holds for the dimension questions. */
function contributionsSql(sign: 1 | -1, dimensions: string): string {
  return `
  dims as (
    select b.id, '' as dimension, '' as group_value from batch b
    union all select b.id, '${LANGUAGE}', b.language from batch b
    union all
      select a.response_id, a.question_key, a.value
      from answers a join batch b on b.id = a.response_id
      where a.questionnaire_id = :questionnaire and a.item = '' and ${dimensions}
  ),
  facts as (
    select a.response_id as id, a.question_key, a.item, a.value
      from answers a join batch b on b.id = a.response_id
      where a.questionnaire_id = :questionnaire
    union all
    select distinct a.response_id, a.question_key, a.item, '${ANSWERED}'
      from answers a join batch b on b.id = a.response_id
      where a.questionnaire_id = :questionnaire
    union all select b.id, '${RESPONSES}', '', '' from batch b
  ),
  contributions as (
    select f.question_key, f.item, f.value, d.dimension, d.group_value,
           ${sign} * count(*) as count, ${sign} * sum(b.k) as key_sum
      from facts f join dims d on d.id = f.id join batch b on b.id = f.id
      group by 1, 2, 3, 4, 5
    union all
    select '${WEEKS}', '', b.iso_week, '', '', ${sign} * count(*), ${sign} * sum(b.k)
      from batch b group by b.iso_week
  )`;
}

const ADD_TO_CELLS = `
  insert into result_cells
    (questionnaire_id, question_key, item, value, dimension, group_value, count, key_sum)
  select :questionnaire, question_key, item, value, dimension, group_value, count,
         ((key_sum % ${KEY_SPACE}) + ${KEY_SPACE}) % ${KEY_SPACE}
    from changes
  on conflict (questionnaire_id, dimension, question_key, item, value, group_value)
  do update set
    count = result_cells.count + excluded.count,
    key_sum = ((result_cells.key_sum + excluded.key_sum) % ${KEY_SPACE} + ${KEY_SPACE}) % ${KEY_SPACE}`;

/** See aggregateRepository().withdraw; also used by the response repository's deletion. */
export async function withdrawInto(
  trx: Knex.Transaction,
  questionnaireId: string,
  responseId: string,
): Promise<void> {
  await trx.raw(
    `with batch as (
       select id, language, iso_week, cast(floor(record_key * ${KEY_SPACE}) as bigint) as k
         from responses
        where questionnaire_id = :questionnaire and id = :response and aggregated
     ), ${contributionsSql(
       -1,
       `a.question_key in (select distinct dimension from result_cells
          where questionnaire_id = :questionnaire)`,
     )}
     insert into result_adjustments
       (questionnaire_id, withdrawal_id, question_key, item, value, dimension, group_value,
        count, key_sum)
     select :questionnaire, :withdrawal, question_key, item, value, dimension, group_value,
            count, key_sum
       from contributions`,
    { questionnaire: questionnaireId, response: responseId, withdrawal: randomUUID() },
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

export function aggregateRepository(db: Db) {
  /** Responses and withdrawals not yet in the published numbers. */
  async function pending(trx: Knex.Transaction | Db, questionnaireId: string): Promise<number> {
    const [row] = (
      await trx.raw(
        `select (select count(*) from responses where questionnaire_id = :q and not aggregated)
            + (select count(distinct withdrawal_id) from result_adjustments where questionnaire_id = :q)
            as pending`,
        { q: questionnaireId },
      )
    ).rows as { pending: string }[];
    return Number(row?.pending ?? 0);
  }

  return {
    pending: (questionnaireId: string) => pending(db, questionnaireId),

    /**
     * Folds new responses and pending withdrawals into the aggregates once there are at least
     * `minimum` of them (always, when `minimum` is 0), in transactions of at most `batch`
     * responses. One fold at a time per questionnaire, even across processes. Returns about how
     * many responses and withdrawals were folded (0 when none).
     */
    async fold(
      questionnaireId: string,
      dimensions: string[],
      minimum: number,
      batch = 20_000,
    ): Promise<number> {
      let folded = 0;
      for (;;) {
        const done = await db.transaction(async (trx) => {
          await trx.raw('select id from questionnaires where id = ? for update', [questionnaireId]);
          const waiting = await pending(trx, questionnaireId);
          if (waiting === 0 || (folded === 0 && waiting < minimum)) return 0;
          // Keys are [a-z0-9_] (the definition schema), so an array literal is safe here.
          const params = {
            questionnaire: questionnaireId,
            dimensions: `{${dimensions.join(',')}}`,
            batch,
          };
          await trx.raw(
            `with batch as (
               update responses set aggregated = true
                where questionnaire_id = :questionnaire and id in (
                  select id from responses
                   where questionnaire_id = :questionnaire and not aggregated limit :batch)
                returning id, language, iso_week,
                          cast(floor(record_key * ${KEY_SPACE}) as bigint) as k
             ), ${contributionsSql(1, 'a.question_key = any(cast(:dimensions as text[]))')},
             changes as (
               select question_key, item, value, dimension, group_value,
                      sum(count) as count, sum(key_sum) as key_sum
                 from (
                   select question_key, item, value, dimension, group_value, count, key_sum
                     from contributions
                   union all
                   select question_key, item, value, dimension, group_value, count, key_sum
                     from result_adjustments where questionnaire_id = :questionnaire
                 ) as each_change
                group by 1, 2, 3, 4, 5
             )
             ${ADD_TO_CELLS}`,
            params,
          );
          await trx('result_adjustments').where('questionnaire_id', questionnaireId).delete();
          return Math.min(waiting, batch);
        });
        if (done === 0) return folded;
        folded += done;
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
        return Number(moved.count);
      });
    },

    /** Questionnaires with abandoned starts waiting to be published. */
    async withAbandonedPending(): Promise<string[]> {
      return db('result_abandoned_pending').orderBy('questionnaire_id').pluck('questionnaire_id');
    },

    /** Questionnaires with responses or withdrawals waiting to be folded in. */
    async withPending(): Promise<string[]> {
      const rows = (
        await db.raw(
          `select distinct questionnaire_id from responses where not aggregated
         union select distinct questionnaire_id from result_adjustments`,
        )
      ).rows as { questionnaire_id: string }[];
      return rows.map((r) => r.questionnaire_id);
    },

    /**
     * Before a counted response is deleted: what it added waits, negated, for the next fold. The
     * breakdowns are those already in the aggregates. Call inside the deleting transaction.
     */
    async withdraw(trx: Knex.Transaction, questionnaireId: string, responseId: string) {
      await withdrawInto(trx, questionnaireId, responseId);
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
