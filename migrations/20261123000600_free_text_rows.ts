import type { Knex } from 'knex';

export const name = '20261123000600_free_text_rows';

/** Building and dropping indexes of a large table without stopping submissions. */
export const config = { transaction: false };

/**
 * Free-text answers are marked as such (`free_text`), and the index of their positions holds
 * them alone. Before, it held every answer without an item (choices, bands, scales: about 30 %
 * of all answers, 0.2 % of them free text), which made every submission and bulk load write
 * ten index entries for nothing and kept an index of hundreds of megabytes at 10^6 responses.
 *
 * Existing answers are marked from the version each response answered: the questions of type
 * `text` in it. Adding a column with a constant default rewrites nothing.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'alter table answers add column if not exists free_text boolean not null default false',
  );
  await knex.raw(
    `update answers a set free_text = true
       from responses r,
            questionnaire_versions v,
            jsonb_array_elements(v.definition -> 'sections') as s,
            jsonb_array_elements(s -> 'questions') as q
      where r.questionnaire_id = a.questionnaire_id and r.id = a.response_id
        and v.id = r.version_id
        and q ->> 'type' = 'text' and q ->> 'key' = a.question_key
        and a.item = '' and not a.free_text`,
  );
  // A build that failed half-way leaves an invalid index behind; start again from nothing.
  await knex.raw('drop index concurrently if exists answers_free_text_position_idx');
  await knex.raw(
    `create index concurrently answers_free_text_position_idx on answers
       (questionnaire_id, question_key,
        (('x' || left(md5(response_id::text || question_key), 16))::bit(64)::bigint))
     where free_text`,
  );
  await knex.raw('drop index concurrently if exists answers_text_position_idx');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index concurrently if exists answers_text_position_idx');
  await knex.raw(
    `create index concurrently answers_text_position_idx on answers
       (questionnaire_id, question_key,
        (('x' || left(md5(response_id::text || question_key), 16))::bit(64)::bigint))
     where item = ''`,
  );
  await knex.raw('drop index concurrently if exists answers_free_text_position_idx');
  await knex.raw('alter table answers drop column if exists free_text');
}
