import type { EventOutcome, WorkerMetrics } from '../observability/metrics.js';

export interface PartitionedRunSummary {
  stoppedBy: 'stop';
  workerId: string;
  /** Records this process read, by outcome — including records of partitions it lost before their flush committed (the new owner reads them again). */
  events: Record<EventOutcome, number>;
  /** Rows and flushes of the partitions that ended with their final flush committed. */
  rowsWritten: number;
  flushes: number;
  /** `fenced`: lanes whose flush the lease fence refused (the partition had been taken over; its work was dropped). */
  leases: { acquired: number; takeovers: number; lost: number; released: number; fenced: number };
  durationMs: number;
}

/**
 * The run summary of a partitioned worker, counted as things happen (plain
 * counters, each event also counted in its Prometheus metric), not read back
 * out of the metrics registry.
 */
export class PartitionedRunCounts {
  readonly #metrics: WorkerMetrics;
  readonly #events: Record<EventOutcome, number> = { applied: 0, ignored: 0, dead_lettered: 0 };
  readonly #leases = { acquired: 0, takeovers: 0, lost: 0, released: 0, fenced: 0 };
  #rowsWritten = 0;
  #flushes = 0;

  constructor(metrics: WorkerMetrics) {
    this.#metrics = metrics;
  }

  acquired(takeover: boolean): void {
    this.#leases.acquired += 1;
    this.#metrics.leaseAcquisitions.inc();
    if (!takeover) return;
    this.#leases.takeovers += 1;
    this.#metrics.leaseTakeovers.inc();
  }

  lost(): void {
    this.#leases.lost += 1;
    this.#metrics.leaseLosses.inc();
  }

  fenced(): void {
    this.#leases.fenced += 1;
  }

  released(): void {
    this.#leases.released += 1;
    this.#metrics.leaseReleases.inc();
  }

  /** A lane ended: what its GoalWorker read, and (when its final flush committed) what it wrote. */
  laneEnded(events: Readonly<Record<EventOutcome, number>>, written: { rowsWritten: number; flushes: number } | null): void {
    for (const outcome of ['applied', 'ignored', 'dead_lettered'] as const) this.#events[outcome] += events[outcome];
    if (written === null) return;
    this.#rowsWritten += written.rowsWritten;
    this.#flushes += written.flushes;
  }

  summary(workerId: string, durationMs: number): PartitionedRunSummary {
    return { stoppedBy: 'stop', workerId, events: { ...this.#events }, rowsWritten: this.#rowsWritten, flushes: this.#flushes, leases: { ...this.#leases }, durationMs: Math.round(durationMs) };
  }
}
