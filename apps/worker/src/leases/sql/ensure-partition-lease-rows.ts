import type pg from 'pg';

/** One lease row per partition 0 … partitions − 1 (free, epoch 0) where none exists yet; idempotent. */
export async function ensurePartitionLeaseRows(db: pg.Pool | pg.ClientBase, source: string, partitions: number): Promise<void> {
  await db.query({
    name: 'goals.ensure-partition-lease-rows',
    text: `
      INSERT INTO partition_leases (source, partition)
      SELECT $1, p::text FROM generate_series(0, $2::int - 1) AS p
      ON CONFLICT (source, partition) DO NOTHING`,
    values: [source, partitions],
  });
}
