import type { Knex } from 'knex';

export const name = '20261123001100_cells_room_to_update';

/**
 * Every fold adds to thousands of cells at once (a batch of 2,000 simulated responses changes
 * about 9,500 of the demo's). A cell's new version fits on its own page only if the page has
 * room: then it is a heap-only update, with no new entry in the cells' six-column primary key.
 * Pages filled to half leave that room: a fold of 40,000 responses wrote 26 MB of WAL
 * instead of 66 MB, in about a quarter less time (docs/architecture.md). Pages written before this fill to half as their cells
 * are updated and their old versions pruned.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('alter table result_cells set (fillfactor = 50)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table result_cells reset (fillfactor)');
}
