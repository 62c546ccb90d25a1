import type { PgQueryable } from '../connection/query-place.js';

/**
 * The fence of a flush: locks the partition's lease row for the rest of the
 * transaction (a takeover's UPDATE of the row waits until this flush ends,
 * so it can never slip between the check and COMMIT) and returns its holder.
 */
export async function lockPartitionLease(db: PgQueryable, source: string, partition: string): Promise<{ owner: string | null; epoch: bigint } | null> {
  const result = await db.query<{ owner: string | null; epoch: string }>({
    name: 'goals.lock-partition-lease',
    text: `
      SELECT owner, epoch::text AS epoch
        FROM partition_leases
       WHERE source = $1 AND partition = $2
         FOR UPDATE`,
    values: [source, partition],
  });
  const row = result.rows[0];
  return row === undefined ? null : { owner: row.owner, epoch: BigInt(row.epoch) };
}
