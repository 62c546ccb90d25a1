import type pg from 'pg';

/** A second COPY in the same transaction must not see the first one's rows. */
export async function truncateUpsertStagingTable(client: pg.ClientBase): Promise<void> {
  await client.query('TRUNCATE pg_temp.goals_upsert_staging');
}
