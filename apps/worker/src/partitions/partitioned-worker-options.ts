import type { AgsEventName, CatalogueIndex, LedgeredGoalRepository } from '@goals/domain';
import type { NatsConnection } from '@goals/event-stream';
import type pg from 'pg';
import type { Logger } from '../observability/logger.js';
import type { WorkerMetrics } from '../observability/metrics.js';

export interface PartitionedWorkerOptions {
  connection: NatsConnection;
  /** P: must equal the stream's (checked by the caller with ensureEventStream) and the lease rows'. */
  partitions: number;
  /** Identity of the stored positions, dead letters and leases (default `jetstream:GOALS_EVENTS`). */
  sourceName: string;
  /** Unique per process: the lease owner. */
  workerId: string;
  catalogue: CatalogueIndex;
  repository: LedgeredGoalRepository;
  /** A small pool of its own for heartbeats and leases, so renewals never queue behind flushes. */
  leaseDatabase: pg.Pool;
  metrics: WorkerMetrics;
  logger: Logger;
  /** Rows held across every partition of this worker before reading pauses (split evenly between them). */
  maxBufferRows: number;
  /** Estimated buffer bytes across every partition of this worker (split the same way). */
  maxBufferBytes?: number;
  /** A partition whose flush is in flight longer than this makes the worker not ready. */
  stallAfterMs?: number;
  /** See GoalWorkerOptions.defaultEventKind. */
  defaultEventKind?: AgsEventName | undefined;
  flushIntervalMs: number;
  shutdownDeadlineMs: number;
  /** Partitions flushing at once, each in its own transaction on its own connection. */
  flushConcurrency: number;
  /** A lease (and a heartbeat) not renewed for this long may be taken over. */
  leaseTtlMs: number;
  /** Heartbeat, renewal, fair-share and takeover check interval; well inside the TTL. */
  leaseScanIntervalMs: number;
}
