import { EventStreamError } from '@goals/event-stream';
import type pg from 'pg';
import type { HeldLease } from './lease-plan.js';
import { acquirePartitionLeases, type AcquiredLease } from './sql/acquire-partition-leases.js';
import { beatWorkerHeartbeat } from './sql/beat-worker-heartbeat.js';
import { countLiveWorkers } from './sql/count-live-workers.js';
import { countPartitionLeaseRows } from './sql/count-partition-lease-rows.js';
import { ensurePartitionLeaseRows } from './sql/ensure-partition-lease-rows.js';
import { readPartitionLeases, type PartitionLeaseRow } from './sql/read-partition-leases.js';
import { releasePartitionLease } from './sql/release-partition-lease.js';
import { removeWorkerHeartbeat } from './sql/remove-worker-heartbeat.js';
import { renewPartitionLeases } from './sql/renew-partition-leases.js';

export type { AcquiredLease } from './sql/acquire-partition-leases.js';
export type { PartitionLeaseRow } from './sql/read-partition-leases.js';

export interface PartitionLeasesOptions {
  /** A small pool of its own, so renewals never queue behind flushes. */
  db: pg.Pool;
  sourceName: string;
  workerId: string;
  partitions: number;
  /** A lease (and a heartbeat) not renewed for this long may be taken over. */
  ttlMs: number;
}

/**
 * The lease protocol of one worker, over the statements in `sql/` (the lease
 * is data: a row per partition with owner, epoch and expiry on the database
 * clock; a heartbeat row per worker). What to take or give back is decided by
 * `planLeases`; the fence that makes a late flush harmless is a step of the
 * flush transaction (`flush/flush-transaction.ts`).
 *
 * - prepare: one free row per partition; refuses a database that knows more
 *   partitions than the stream (PARTITION_COUNT_MISMATCH).
 * - renew: the heartbeat, then the held leases at their epochs; returns the
 *   partitions renewed (a missing one was taken over).
 * - acquire: free or expired partitions, epoch + 1 each.
 * - release: give one back after its final flush committed (only at that epoch).
 * - leave: remove the heartbeat on a graceful stop (the others count one live worker less at once).
 */
export class PartitionLeases {
  readonly #options: PartitionLeasesOptions;

  constructor(options: PartitionLeasesOptions) {
    this.#options = options;
  }

  get workerId(): string {
    return this.#options.workerId;
  }

  async prepare(): Promise<void> {
    const { db, sourceName, partitions } = this.#options;
    await ensurePartitionLeaseRows(db, sourceName, partitions);
    const known = await countPartitionLeaseRows(db, sourceName);
    if (known.highest !== null && known.highest >= partitions) {
      throw new EventStreamError(
        'PARTITION_COUNT_MISMATCH',
        `the database holds leases for ${known.highest + 1} partitions of ${JSON.stringify(sourceName)}, but the stream and this worker have ${partitions}: the stream was recreated with fewer partitions (see the README on changing P)`,
      );
    }
  }

  async renew(held: readonly HeldLease[]): Promise<Set<string>> {
    const { db, sourceName, workerId, ttlMs } = this.#options;
    await beatWorkerHeartbeat(db, sourceName, workerId, ttlMs);
    return renewPartitionLeases(db, sourceName, workerId, held, ttlMs);
  }

  liveWorkers(): Promise<number> {
    return countLiveWorkers(this.#options.db, this.#options.sourceName);
  }

  async acquire(count: number, exclude: readonly string[]): Promise<AcquiredLease[]> {
    if (count <= 0) return [];
    const { db, sourceName, workerId, ttlMs } = this.#options;
    return acquirePartitionLeases(db, sourceName, workerId, count, ttlMs, exclude);
  }

  /** True when the lease was still this worker's at that epoch and is free now. */
  release(lease: HeldLease): Promise<boolean> {
    return releasePartitionLease(this.#options.db, this.#options.sourceName, this.#options.workerId, lease.partition, lease.epoch);
  }

  /** Every partition's lease as the database shows it now (metrics, readiness). */
  table(): Promise<PartitionLeaseRow[]> {
    return readPartitionLeases(this.#options.db, this.#options.sourceName);
  }

  leave(): Promise<void> {
    return removeWorkerHeartbeat(this.#options.db, this.#options.sourceName, this.#options.workerId);
  }
}
