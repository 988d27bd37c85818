import type { Knex } from 'knex';

export const name = '20261123000100_results_settings';

/**
 * Per-questionnaire results settings: the disclosure-control threshold k, whether and when the
 * results are public, and how long row-level answers are kept after closing (the aggregates stay).
 * `closed_at` is when it last closed by hand; `answers_deleted_at` when retention deleted them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('questionnaires', (t) => {
    t.integer('disclosure_threshold').notNullable().defaultTo(10);
    t.text('results_public').notNullable().defaultTo('off');
    t.integer('retention_days').nullable();
    t.timestamp('closed_at', { useTz: true }).nullable();
    t.timestamp('answers_deleted_at', { useTz: true }).nullable();
  });
  await knex.raw(`alter table questionnaires
    add constraint questionnaires_threshold_check
      check (disclosure_threshold between 5 and 1000),
    add constraint questionnaires_results_public_check
      check (results_public in ('off', 'closed', 'live')),
    add constraint questionnaires_retention_check
      check (retention_days is null or retention_days between 1 and 36500)`);
  // Questionnaires closed before this migration count as closed when it ran.
  await knex.raw(
    `update questionnaires set closed_at = coalesce(closes_at, now())
      where status in ('closed', 'archived')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`alter table questionnaires
    drop constraint questionnaires_threshold_check,
    drop constraint questionnaires_results_public_check,
    drop constraint questionnaires_retention_check`);
  await knex.schema.alterTable('questionnaires', (t) => {
    t.dropColumn('disclosure_threshold');
    t.dropColumn('results_public');
    t.dropColumn('retention_days');
    t.dropColumn('closed_at');
    t.dropColumn('answers_deleted_at');
  });
}
