import type { Knex } from 'knex';

export const name = '20261122000100_questionnaires';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists pgcrypto');
  await knex.schema.createTable('questionnaires', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.text('slug').notNullable().unique();
    t.text('country').notNullable();
    t.text('status').notNullable().defaultTo('draft');
    t.uuid('published_version_id').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    "alter table questionnaires add constraint questionnaires_status_check check (status in ('draft','open','closed','archived'))",
  );
  await knex.schema.createTable('questionnaire_versions', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('questionnaire_id').notNullable().references('questionnaires.id').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.jsonb('definition').notNullable();
    t.timestamp('published_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['questionnaire_id', 'version']);
  });
  await knex.schema.alterTable('questionnaires', (t) => {
    t.foreign('published_version_id').references('questionnaire_versions.id');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('questionnaires', (t) => t.dropForeign(['published_version_id']));
  await knex.schema.dropTable('questionnaire_versions');
  await knex.schema.dropTable('questionnaires');
}
