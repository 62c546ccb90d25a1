import type { QueryPlace } from '../connection/query-place.js';

/** Compare-and-set: moves the position only from the value the caller last committed. */
export async function moveSourcePosition(place: QueryPlace, source: string, partition: string, from: string, to: string): Promise<boolean> {
  const result = await place.pg.query({
    name: 'goals.move-source-position',
    text: `
      UPDATE source_positions
         SET position = $4::bigint, updated_at = now()
       WHERE source = $1 AND partition = $2 AND position = $3::bigint`,
    values: [source, partition, from, to],
  });
  return result.rowCount === 1;
}
