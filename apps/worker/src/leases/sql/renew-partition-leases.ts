import type pg from 'pg';

/**
 * Extends the leases this worker holds at the epochs it acquired; returns the
 * partitions renewed. A partition missing from the answer was taken over (or
 * re-acquired at a later epoch): its lease is lost. An expired lease nobody
 * took is renewed — no one else can have written under it, and the fence
 * checks owner and epoch, not the clock.
 */
export async function renewPartitionLeases(
  db: pg.Pool | pg.ClientBase,
  source: string,
  workerId: string,
  held: readonly { partition: string; epoch: bigint }[],
  ttlMs: number,
): Promise<Set<string>> {
  if (held.length === 0) return new Set();
  const result = await db.query<{ partition: string }>({
    name: 'goals.renew-partition-leases',
    text: `
      UPDATE partition_leases AS l
         SET expires_at = now() + $3::int * interval '1 millisecond', updated_at = now()
        FROM unnest($4::text[], $5::bigint[]) AS h(partition, epoch)
       WHERE l.source = $1 AND l.owner = $2 AND l.partition = h.partition AND l.epoch = h.epoch
      RETURNING l.partition`,
    values: [source, workerId, ttlMs, held.map((h) => h.partition), held.map((h) => h.epoch.toString())],
  });
  return new Set(result.rows.map((row) => row.partition));
}
