import type { LedgeredGoalRepository } from '@goals/domain';
import type { PartitionConsumers } from '@goals/event-stream';
import type { PartitionLeaseRow } from '../leases/partition-leases.js';
import type { WorkerMetrics } from '../observability/metrics.js';

/** Every partition's owner and epoch as the lease table shows them, and how many this worker holds. */
export function recordLeaseTable(metrics: WorkerMetrics, table: readonly PartitionLeaseRow[], held: number): void {
  metrics.partitionEpoch.reset();
  for (const lease of table) metrics.partitionEpoch.set({ partition: lease.partition, owner: lease.owner ?? '' }, Number(lease.epoch));
  metrics.partitionsHeld.set(held);
}

/**
 * Per partition: the stream's last sequence on its subject minus the stored
 * position (`goals_worker_partition_lag`); their sum over the partitions this
 * worker holds is its `goals_worker_source_lag`.
 */
export async function recordPartitionLag(options: {
  consumers: PartitionConsumers;
  repository: LedgeredGoalRepository;
  sourceName: string;
  partitions: number;
  metrics: WorkerMetrics;
  holds: (partition: string) => boolean;
}): Promise<void> {
  const { consumers, repository, sourceName, partitions, metrics, holds } = options;
  const stored = new Map((await repository.loadSourcePositions(sourceName)).map((p) => [p.partition, p.position]));
  const last = await consumers.lastSequences(partitions);
  let total = 0;
  for (const [index, sequence] of last.entries()) {
    const partition = String(index);
    const lag = Math.max(0, sequence - Number(stored.get(partition) ?? 0n));
    metrics.partitionLag.set({ partition }, lag);
    if (holds(partition)) total += lag;
  }
  metrics.sourceLag.set(total);
}
