import type pg from 'pg';
import { BATCH_KINDS } from '../batch/batch-kinds.js';

/**
 * The session's COPY targets, one per batch kind (declared in
 * batch/batch-kinds.ts), created once per connection and reused: CREATE per
 * call would write the system catalogs every time. ON COMMIT DELETE ROWS
 * empties them at the end of every transaction that used a temp table (a file
 * truncate, no dead rows — autovacuum never visits temp tables).
 */
export async function createStagingTables(client: pg.ClientBase): Promise<void> {
  await client.query(BATCH_KINDS.map((kind) => kind.stagingTableDefinition).join('\n'));
}
