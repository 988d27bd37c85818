import type { Knex } from 'knex';

export const name = '20261123001000_responses_waiting';

/**
 * Responses not yet folded into the published numbers are listed in a narrow table of their own
 * (`responses_waiting`: questionnaire and response id), no longer marked in their own row
 * (`responses.aggregated`). Marking a response counted rewrote its whole row (about 1.6 KB with
 * its answer rows, about 1.85 KB of WAL with its index entries), and every submission that
 * committed while a fold ran waited for that WAL to reach the disk. A fold now deletes small rows
 * of this table; it writes nothing to `responses`.
 *
 * A response is stored with its row here by the same statement (src/db/responses.ts), and a
 * response deleted takes its row here with it: there is no foreign key to `responses`, whose
 * check would lock the new response's row (another write per submission). The questionnaire's
 * key, as every table's, deletes the rows with their questionnaire.
 */
export async function up(knex: Knex): Promise<void> {
  // Nothing stores or folds responses meanwhile (an older release still serving would mark
  // them in their row): submissions wait for this transaction; reads go on.
  await knex.raw('lock table responses in exclusive mode');
  await knex.schema.createTable('responses_waiting', (t) => {
    t.uuid('questionnaire_id').notNullable().references('questionnaires.id').onDelete('CASCADE');
    t.uuid('response_id').notNullable();
    t.primary(['questionnaire_id', 'response_id']);
  });
  await knex.raw(
    `insert into responses_waiting (questionnaire_id, response_id)
     select questionnaire_id, id from responses where not aggregated`,
  );
  await knex.raw('drop index if exists responses_pending_idx');
  await knex.schema.alterTable('responses', (t) => t.dropColumn('aggregated'));
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('lock table responses in exclusive mode');
  await knex.schema.alterTable('responses', (t) => {
    t.boolean('aggregated').notNullable().defaultTo(true);
  });
  await knex.raw(
    `update responses r set aggregated = false
       from responses_waiting w
      where w.questionnaire_id = r.questionnaire_id and w.response_id = r.id`,
  );
  await knex.raw('alter table responses alter column aggregated set default false');
  await knex.raw(
    'create index responses_pending_idx on responses (questionnaire_id) where not aggregated',
  );
  await knex.schema.dropTable('responses_waiting');
}
