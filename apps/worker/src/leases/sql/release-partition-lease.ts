import type pg from 'pg';

/** Gives a partition back (after its last flush committed), only if this worker still holds it at that epoch. */
export async function releasePartitionLease(db: pg.Pool | pg.ClientBase, source: string, workerId: string, partition: string, epoch: bigint): Promise<boolean> {
  const result = await db.query({
    name: 'goals.release-partition-lease',
    text: `
      UPDATE partition_leases
         SET owner = NULL, expires_at = now(), updated_at = now()
       WHERE source = $1 AND owner = $2 AND partition = $3 AND epoch = $4::bigint`,
    values: [source, workerId, partition, epoch.toString()],
  });
  return result.rowCount === 1;
}
