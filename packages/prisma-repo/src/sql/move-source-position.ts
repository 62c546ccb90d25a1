import type { PgQueryable } from '../connection/query-place.js';

/**
 * Compare-and-set: moves the position only from the value the caller last
 * committed. The checkpoint always describes the new position; a fingerprint,
 * once stored, is kept.
 */
export async function moveSourcePosition(
  db: PgQueryable,
  move: { source: string; partition: string; from: string; to: string; checkpoint: string | null; fingerprint: string | null },
): Promise<boolean> {
  const result = await db.query({
    name: 'goals.move-source-position',
    text: `
      UPDATE source_positions
         SET position = $4::bigint, checkpoint = $5, fingerprint = coalesce(fingerprint, $6), updated_at = now()
       WHERE source = $1 AND partition = $2 AND position = $3::bigint`,
    values: [move.source, move.partition, move.from, move.to, move.checkpoint, move.fingerprint],
  });
  return result.rowCount === 1;
}
