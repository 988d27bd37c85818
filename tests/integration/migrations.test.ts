import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateLatest } from '../../src/db/knex.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

describe('migrations', () => {
  it('roll back completely and apply again', async () => {
    await t.db.migrate.rollback(undefined, true);
    const tables = await t
      .db('information_schema.tables')
      .where('table_schema', 'public')
      .pluck('table_name');
    expect(tables.filter((n) => !n.startsWith('knex_'))).toEqual([]);
    const applied = await migrateLatest(t.db);
    expect(applied.length).toBeGreaterThanOrEqual(4);
    expect(await t.db.schema.hasTable('responses')).toBe(true);
  });
});
