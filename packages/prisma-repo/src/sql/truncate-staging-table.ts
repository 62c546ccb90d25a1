import type pg from 'pg';
import { STAGING_TABLES, type StagingTable } from './staging-tables.js';

/** A second COPY into one table in the same transaction must not see the first one's rows. */
export async function truncateStagingTable(client: pg.ClientBase, table: StagingTable): Promise<void> {
  await client.query(`TRUNCATE pg_temp.${STAGING_TABLES[table].name}`);
}
