import type pg from 'pg';

/** How many partitions the database knows for a source, and the highest: compared with the stream's partition count. */
export async function countPartitionLeaseRows(db: pg.Pool | pg.ClientBase, source: string): Promise<{ rows: number; highest: number | null }> {
  const result = await db.query<{ rows: number; highest: number | null }>({
    name: 'goals.count-partition-lease-rows',
    text: `
      SELECT count(*)::int AS rows, max(partition::int) AS highest
        FROM partition_leases
       WHERE source = $1`,
    values: [source],
  });
  return result.rows[0] ?? { rows: 0, highest: null };
}
