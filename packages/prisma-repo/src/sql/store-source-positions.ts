import type { QueryPlace } from '../connection/query-place.js';

/** Unique (source, partition) pairs sorted by key; positions as decimal strings (bigint). */
export async function storeSourcePositions(
  place: QueryPlace,
  c: { sources: string[]; partitions: string[]; positions: string[] },
): Promise<void> {
  await place.pg.query({
    name: 'goals.store-source-positions',
    text: `
      INSERT INTO source_positions AS p (source, partition, position, updated_at)
      SELECT i.source, i.partition, i.position, now()
        FROM unnest($1::text[], $2::text[], $3::bigint[]) AS i(source, partition, position)
      ON CONFLICT (source, partition) DO UPDATE
         SET position = EXCLUDED.position, updated_at = EXCLUDED.updated_at`,
    values: [c.sources, c.partitions, c.positions],
  });
}
