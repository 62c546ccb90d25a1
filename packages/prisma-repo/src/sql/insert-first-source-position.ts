import type { QueryPlace } from '../connection/query-place.js';

/** The first position of a partition; false when one is already stored (the caller reports the conflict). */
export async function insertFirstSourcePosition(place: QueryPlace, source: string, partition: string, to: string): Promise<boolean> {
  const result = await place.pg.query({
    name: 'goals.insert-first-source-position',
    text: `
      INSERT INTO source_positions (source, partition, position, updated_at)
      VALUES ($1, $2, $3::bigint, now())
      ON CONFLICT (source, partition) DO NOTHING`,
    values: [source, partition, to],
  });
  return result.rowCount === 1;
}
