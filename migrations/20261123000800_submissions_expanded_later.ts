import type { Knex } from 'knex';

export const name = '20261123000800_submissions_expanded_later';

/**
 * A submission can be stored as one row: the response with its draft's answers as they were
 * (`draft_answers`), made into answer rows later, by the fold, before it counts them
 * (db/responses.ts expandDraftAnswers). Inserting a submission's 30-odd answer rows at once
 * was most of what PostgreSQL spent on a submission. `complete` marks a draft that can be
 * submitted as it is (every required question of every section it shows is answered), kept
 * with every save, so that submitting it needs no reading and checking it first.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table responses add column if not exists draft_answers jsonb');
  await knex.raw(
    'alter table drafts add column if not exists complete boolean not null default false',
  );
}

export async function down(knex: Knex): Promise<void> {
  const waiting = (await knex.raw(
    'select count(*)::int as n from responses where draft_answers is not null',
  )) as { rows: { n: number }[] };
  // Their answers exist nowhere else: fold them first (`consulta` housekeeping runs the fold).
  if ((waiting.rows[0]?.n ?? 0) > 0)
    throw new Error('responses still wait to be made into answer rows; fold them first');
  await knex.raw('alter table drafts drop column if exists complete');
  await knex.raw('alter table responses drop column if exists draft_answers');
}
