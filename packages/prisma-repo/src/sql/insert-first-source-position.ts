import type { PgQueryable } from '../connection/query-place.js';

/** The first position of a partition; false when one is already stored (the caller reports the conflict). */
export async function insertFirstSourcePosition(
  db: PgQueryable,
  move: { source: string; partition: string; to: string; checkpoint: string | null; fingerprint: string | null },
): Promise<boolean> {
  const result = await db.query({
    name: 'goals.insert-first-source-position',
    text: `
      INSERT INTO source_positions (source, partition, position, checkpoint, fingerprint, updated_at)
      VALUES ($1, $2, $3::bigint, $4, $5, now())
      ON CONFLICT (source, partition) DO NOTHING`,
    values: [move.source, move.partition, move.to, move.checkpoint, move.fingerprint],
  });
  return result.rowCount === 1;
}
