import type pg from 'pg';

export interface PartitionLeaseRow {
  partition: string;
  owner: string | null;
  epoch: bigint;
  /** Held by a worker whose lease has not expired (database clock). */
  live: boolean;
}

/** Every partition's lease, for metrics, readiness and tests. */
export async function readPartitionLeases(db: pg.Pool | pg.ClientBase, source: string): Promise<PartitionLeaseRow[]> {
  const result = await db.query<{ partition: string; owner: string | null; epoch: string; live: boolean }>({
    name: 'goals.read-partition-leases',
    text: `
      SELECT partition, owner, epoch::text AS epoch, (owner IS NOT NULL AND expires_at > now()) AS live
        FROM partition_leases
       WHERE source = $1
       ORDER BY partition::int`,
    values: [source],
  });
  return result.rows.map((row) => ({ partition: row.partition, owner: row.owner, epoch: BigInt(row.epoch), live: row.live }));
}
