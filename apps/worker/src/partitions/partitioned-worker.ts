import { PartitionConsumers } from '@goals/event-stream';
import { sleep } from '@goals/runtime';
import { FlushSlots } from '../flush/flush-slots.js';
import { DEFAULT_MAX_BUFFER_BYTES, type BufferBudget } from '../goal-worker.js';
import { planLeases, leasesLost } from '../leases/lease-plan.js';
import { PartitionLeases, type AcquiredLease } from '../leases/partition-leases.js';
import type { Readiness } from '@goals/runtime';
import { PartitionLane, type LaneContext } from './partition-lane.js';
import type { PartitionedWorkerOptions } from './partitioned-worker-options.js';
import { recordLeaseTable, recordPartitionLag } from './partition-metrics.js';
import { PartitionedRunCounts, type PartitionedRunSummary } from './run-counts.js';

export type { PartitionedRunSummary } from './run-counts.js';
export type { PartitionedWorkerOptions } from './partitioned-worker-options.js';

/**
 * The JetStream worker: several processes share the stream's partitions
 * through lease rows in PostgreSQL (the protocol: `leases/`).
 *
 * Every `leaseScanIntervalMs`, one scan at a time: renew the heartbeat and
 * the leases held (a partition not renewed was taken over: its lane is lost);
 * plan against the live workers (`planLeases`): give back partitions above
 * the fair share after their final flush, acquire free or expired ones below
 * it (epoch + 1 each). Each held partition runs as a PartitionLane; its
 * flushes are fenced on (worker, epoch) and share the process's flush slots,
 * so up to `flushConcurrency` partitions commit at once. A flush refused by
 * the fence ends only its lane; any other lane failure stops the worker.
 */
export class PartitionedWorker {
  readonly #options: PartitionedWorkerOptions;
  readonly #lanes = new Map<string, PartitionLane>();
  readonly #leases: PartitionLeases;
  readonly #counts: PartitionedRunCounts;
  readonly #stop = new AbortController();
  /** The process-wide buffer bound split between the running lanes; one object every lane reads. */
  readonly #budget: BufferBudget = { maxRows: 0, maxBytes: 0 };
  #fatal: unknown = null;
  #fairShare = 0;
  #unassigned = Number.POSITIVE_INFINITY;
  #scanned = false;

  constructor(options: PartitionedWorkerOptions) {
    this.#options = options;
    this.#leases = new PartitionLeases({ db: options.leaseDatabase, sourceName: options.sourceName, workerId: options.workerId, partitions: options.partitions, ttlMs: options.leaseTtlMs });
    this.#counts = new PartitionedRunCounts(options.metrics);
    this.#splitBudget();
  }

  /** /readyz: reading, and holding the fair share (or every partition is held by a live worker already). */
  get readiness(): Readiness {
    if (this.#stop.signal.aborted) return { ready: false, reason: 'stopping' };
    if (!this.#scanned) return { ready: false, reason: 'starting: no lease scan yet' };
    const running = this.#running();
    const notReady = running.find((lane) => !lane.readiness.ready);
    if (notReady !== undefined) return { ready: false, reason: `partition ${notReady.partition}: ${notReady.readiness.reason}` };
    if (running.length < this.#fairShare && this.#unassigned > 0) {
      return { ready: false, reason: `holds ${running.length} partitions, fair share ${this.#fairShare}, ${this.#unassigned} not held by a live worker yet` };
    }
    return { ready: true, reason: `ready: holds ${running.length} of ${this.#options.partitions} partitions (fair share ${this.#fairShare})` };
  }

  get ready(): boolean {
    return this.readiness.ready;
  }

  /** Partitions this worker holds now, with their epochs (for tests and logs). */
  get held(): { partition: string; epoch: bigint }[] {
    return this.#running().map(({ partition, epoch }) => ({ partition, epoch }));
  }

  stop(): void {
    if (this.#stop.signal.aborted) return;
    this.#options.logger.info({ deadlineMs: this.#options.shutdownDeadlineMs }, 'stopping: final flush of every partition, then giving the leases back');
    this.#stop.abort();
  }

  async run(): Promise<PartitionedRunSummary> {
    const { logger, workerId, sourceName, partitions, flushConcurrency, leaseTtlMs, leaseScanIntervalMs } = this.#options;
    const started = performance.now();
    const consumers = await PartitionConsumers.connect(this.#options.connection);
    await this.#leases.prepare();
    const context = this.#laneContext(consumers, new FlushSlots(flushConcurrency));
    logger.info({ workerId, source: sourceName, partitions, flushConcurrency, leaseTtlMs }, 'partitioned worker started');
    try {
      while (!this.#stop.signal.aborted) {
        // the database or NATS away: held leases stay until their TTL, and flushes stay fenced
        await this.#scan(context).catch((error: unknown) => logger.warn({ err: error }, 'lease scan failed; retrying at the next interval'));
        this.#throwIfFatal();
        await sleep(leaseScanIntervalMs, this.#stop.signal);
      }
      const lanes = [...this.#lanes.values()];
      for (const lane of lanes) lane.stop();
      await Promise.all(lanes.map((lane) => lane.ended));
      this.#throwIfFatal();
    } finally {
      this.#stop.abort();
      await Promise.allSettled([...this.#lanes.values()].map((lane) => lane.closeSource()));
      await this.#leases.leave().catch(() => undefined);
    }
    const summary = this.#counts.summary(workerId, performance.now() - started);
    logger.info({ summary }, 'worker finished');
    return summary;
  }

  async #scan(context: LaneContext): Promise<void> {
    const { metrics, logger, partitions } = this.#options;
    const held = this.held;
    for (const { partition, epoch } of leasesLost(held, await this.#leases.renew(held))) {
      logger.warn({ partition, epoch: epoch.toString() }, 'lease lost to another worker: dropping the uncommitted work of this partition');
      this.#counts.lost();
      this.#loseIfRunning(partition);
    }
    if (this.#stop.signal.aborted) return;
    const live = await this.#leases.liveWorkers();
    const windingDown = [...this.#lanes.values()].filter((lane) => lane.state !== 'running' && lane.state !== 'ended').map((lane) => lane.partition);
    const plan = planLeases({ partitions, liveWorkers: live, held: this.held, windingDown });
    this.#fairShare = plan.fairShare;
    metrics.fairShare.set(plan.fairShare);
    for (const partition of plan.release) {
      // a joining worker takes it once its last flush committed
      logger.info({ partition, share: plan.fairShare, live: Math.max(1, live) }, 'giving a partition back (fair share shrank)');
      this.#lanes.get(partition)?.release();
    }
    for (const lease of await this.#leases.acquire(plan.acquire, plan.exclude)) this.#startLane(lease, context);
    const table = await this.#leases.table();
    this.#unassigned = table.filter((lease) => !lease.live).length;
    recordLeaseTable(metrics, table, this.held.length);
    this.#scanned = true;
    const lag = { consumers: context.consumers, repository: this.#options.repository, sourceName: this.#options.sourceName, partitions, metrics, holds: (p: string) => this.#lanes.get(p)?.state === 'running' };
    await recordPartitionLag(lag).catch((error: unknown) => logger.debug({ err: error }, 'could not read the partition lags'));
  }

  #startLane(lease: AcquiredLease, context: LaneContext): void {
    const takeover = lease.previousOwner !== null && lease.previousOwner !== this.#options.workerId;
    this.#counts.acquired(takeover);
    // our own lease expired (a long pause) and we took it again at a new epoch: the old lane is fenced out
    this.#loseIfRunning(lease.partition);
    this.#options.logger.info({ partition: lease.partition, epoch: lease.epoch.toString(), previousOwner: lease.previousOwner, takeover }, 'partition acquired');
    this.#lanes.set(lease.partition, new PartitionLane(lease, context));
    this.#splitBudget();
  }

  #laneContext(consumers: PartitionConsumers, flushSlots: FlushSlots): LaneContext {
    const { sourceName, catalogue, repository, metrics, logger, stallAfterMs, defaultEventKind, flushIntervalMs, shutdownDeadlineMs } = this.#options;
    return {
      sourceName,
      leases: this.#leases,
      consumers,
      counts: this.#counts,
      logger,
      worker: { catalogue, repository, metrics, budget: this.#budget, flushSlots, flushIntervalMs, shutdownDeadlineMs, ...(stallAfterMs === undefined ? {} : { stallAfterMs }), ...(defaultEventKind === undefined ? {} : { defaultEventKind }) },
      onStateChange: (lane) => this.#laneChanged(lane),
      onFailure: (error) => this.#fail(error),
    };
  }

  #laneChanged(lane: PartitionLane): void {
    if (lane.state === 'ended' && this.#lanes.get(lane.partition) === lane) this.#lanes.delete(lane.partition);
    this.#splitBudget();
  }

  #fail(error: unknown): void {
    this.#fatal ??= error;
    this.stop();
  }

  /** A lane that already wound down (it ended, or the fence refused it meanwhile) is left as it is. */
  #loseIfRunning(partition: string): void {
    const lane = this.#lanes.get(partition);
    if (lane?.state === 'running') lane.lose();
  }

  /** The process-wide bounds, split between the partitions running now (at least 100 rows and 1 MiB each). */
  #splitBudget(): void {
    const running = Math.max(1, this.#running().length);
    this.#budget.maxRows = Math.max(100, Math.floor(this.#options.maxBufferRows / running));
    this.#budget.maxBytes = Math.max(1 << 20, Math.floor((this.#options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES) / running));
  }

  #running(): PartitionLane[] {
    return [...this.#lanes.values()].filter((lane) => lane.state === 'running');
  }

  #throwIfFatal(): void {
    if (this.#fatal !== null) throw this.#fatal;
  }
}
