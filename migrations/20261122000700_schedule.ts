import type { Knex } from 'knex';

export const name = '20261122000700_schedule';

/** When a questionnaire opens and closes by itself (coordinators' times, never citizens'). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('questionnaires', (t) => {
    t.timestamp('opens_at', { useTz: true }).nullable();
    t.timestamp('closes_at', { useTz: true }).nullable();
  });
  await knex.raw(
    'alter table questionnaires add constraint questionnaires_schedule_check check (opens_at is null or closes_at is null or opens_at < closes_at)',
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table questionnaires drop constraint questionnaires_schedule_check');
  await knex.schema.alterTable('questionnaires', (t) => {
    t.dropColumn('opens_at');
    t.dropColumn('closes_at');
  });
}
