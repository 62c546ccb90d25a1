import type pg from 'pg';

/**
 * The session's COPY target, created once per connection and reused: CREATE
 * per call would write the system catalogs every time. ON COMMIT DELETE ROWS
 * empties it at the end of every transaction that used it (a file truncate,
 * no dead rows — autovacuum never visits temp tables).
 */
export async function createUpsertStagingTable(client: pg.ClientBase): Promise<void> {
  await client.query(`
    CREATE TEMP TABLE IF NOT EXISTS goals_upsert_staging (
      user_id      text NOT NULL,
      goal_id      text NOT NULL,
      challenge_id text NOT NULL,
      namespace    text NOT NULL,
      progress     int NOT NULL,
      status       text NOT NULL,
      completed_at timestamptz,
      claimed_at   timestamptz
    ) ON COMMIT DELETE ROWS`);
}
