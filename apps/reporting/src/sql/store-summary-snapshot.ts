import type pg from 'pg';

// Raw SQL: as_of must be the refresh transaction's own clock (now() = its
// start, which in REPEATABLE READ is when its snapshot was taken), and the row
// count comes from the player summary filled in the same transaction.
const STORE_SUMMARY_SNAPSHOT = `
INSERT INTO reporting_snapshot (id, as_of, duration_ms, progress_rows)
SELECT 1, now(), $1, coalesce(sum(goals), 0) FROM reporting_players
ON CONFLICT (id) DO UPDATE SET as_of = EXCLUDED.as_of, duration_ms = EXCLUDED.duration_ms, progress_rows = EXCLUDED.progress_rows
RETURNING as_of, progress_rows`;

export async function storeSummarySnapshot(client: pg.ClientBase, durationMs: number): Promise<{ asOf: Date; progressRows: number }> {
  const result = await client.query<{ as_of: Date; progress_rows: string }>(STORE_SUMMARY_SNAPSHOT, [durationMs]);
  const row = result.rows[0];
  if (row === undefined) throw new Error('storing the summary snapshot returned no row');
  return { asOf: row.as_of, progressRows: Number(row.progress_rows) };
}
