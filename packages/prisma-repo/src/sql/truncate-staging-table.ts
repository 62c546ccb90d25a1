import type pg from 'pg';
import type { BatchKind } from '../batch/batch-kinds.js';

/** A second COPY into one table in the same transaction must not see the first one's rows. */
export async function truncateStagingTable(client: pg.ClientBase, kind: BatchKind<never>): Promise<void> {
  await client.query(`TRUNCATE pg_temp.${kind.stagingTable}`);
}
