import type pg from 'pg';
import type { SummaryTable } from './summary-tables.js';

/**
 * DELETE, not TRUNCATE: TRUNCATE takes an ACCESS EXCLUSIVE lock that would
 * block every report until the refresh commits; with DELETE readers keep
 * seeing the previous summary until then. `table` comes from a closed list.
 */
export async function clearSummaryTable(client: pg.ClientBase, table: SummaryTable): Promise<void> {
  await client.query(`DELETE FROM "${table}"`);
}
