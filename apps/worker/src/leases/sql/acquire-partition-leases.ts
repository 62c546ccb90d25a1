import type pg from 'pg';

export interface AcquiredLease {
  partition: string;
  epoch: bigint;
  /** The worker whose expired lease this took over; null when the partition was free. */
  previousOwner: string | null;
}

/**
 * Takes up to `limit` partitions that are free (given back) or whose lease
 * expired (database clock), lowest partition first, each with its epoch + 1.
 * SKIP LOCKED: a row locked by a flush's fence or by another worker's
 * acquisition is left for a later scan instead of waited on. `exclude` holds
 * partitions this worker is still winding down.
 */
export async function acquirePartitionLeases(
  db: pg.Pool | pg.ClientBase,
  source: string,
  workerId: string,
  limit: number,
  ttlMs: number,
  exclude: readonly string[],
): Promise<AcquiredLease[]> {
  const result = await db.query<{ partition: string; epoch: string; previous_owner: string | null }>({
    name: 'goals.acquire-partition-leases',
    text: `
      WITH candidates AS (
        SELECT source, partition, owner AS previous_owner
          FROM partition_leases
         WHERE source = $1
           AND (owner IS NULL OR expires_at <= now())
           AND NOT (partition = ANY($5::text[]))
         ORDER BY partition::int
         LIMIT $3
           FOR UPDATE SKIP LOCKED
      )
      UPDATE partition_leases AS l
         SET owner = $2, epoch = l.epoch + 1, expires_at = now() + $4::int * interval '1 millisecond', updated_at = now()
        FROM candidates AS c
       WHERE l.source = c.source AND l.partition = c.partition
      RETURNING l.partition, l.epoch::text AS epoch, c.previous_owner`,
    values: [source, workerId, limit, ttlMs, exclude],
  });
  return result.rows.map((row) => ({ partition: row.partition, epoch: BigInt(row.epoch), previousOwner: row.previous_owner }));
}
