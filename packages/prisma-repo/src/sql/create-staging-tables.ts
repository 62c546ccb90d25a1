import type pg from 'pg';
import { STAGING_TABLES } from './staging-tables.js';

/**
 * The session's COPY targets, created once per connection and reused: CREATE
 * per call would write the system catalogs every time. ON COMMIT DELETE ROWS
 * empties them at the end of every transaction that used a temp table (a file
 * truncate, no dead rows — autovacuum never visits temp tables).
 */
export async function createStagingTables(client: pg.ClientBase): Promise<void> {
  await client.query(
    Object.values(STAGING_TABLES)
      .map((t) => `CREATE TEMP TABLE IF NOT EXISTS ${t.name} (${t.columns}) ON COMMIT DELETE ROWS;`)
      .join('\n'),
  );
}
