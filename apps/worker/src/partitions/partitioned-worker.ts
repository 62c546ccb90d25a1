import { GoalError, type AgsEventName, type CatalogueIndex, type GoalRepository } from '@goals/domain';
import { EVENT_STREAM_NAME, EventStreamError, partitionSubject } from '@goals/event-stream';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import type pg from 'pg';
import { FlushSlots } from '../flush/flush-slots.js';
import { DEFAULT_MAX_BUFFER_BYTES, GoalWorker } from '../goal-worker.js';
import { acquirePartitionLeases, type AcquiredLease } from '../leases/sql/acquire-partition-leases.js';
import { beatWorkerHeartbeat } from '../leases/sql/beat-worker-heartbeat.js';
import { countLiveWorkers } from '../leases/sql/count-live-workers.js';
import { countPartitionLeaseRows } from '../leases/sql/count-partition-lease-rows.js';
import { ensurePartitionLeaseRows } from '../leases/sql/ensure-partition-lease-rows.js';
import { readPartitionLeases } from '../leases/sql/read-partition-leases.js';
import { releasePartitionLease } from '../leases/sql/release-partition-lease.js';
import { removeWorkerHeartbeat } from '../leases/sql/remove-worker-heartbeat.js';
import { renewPartitionLeases } from '../leases/sql/renew-partition-leases.js';
import type { Readiness } from '../observability/http-server.js';
import type { Logger } from '../observability/logger.js';
import type { EventOutcome, WorkerMetrics } from '../observability/metrics.js';
import { JetStreamPartitionSource } from '../sources/jetstream-partition-source.js';

export interface PartitionedWorkerOptions {
  connection: NatsConnection;
  /** P: must equal the stream's (checked by the caller with ensureEventStream) and the lease rows'. */
  partitions: number;
  /** Identity of the stored positions, dead letters and leases (default `jetstream:GOALS_EVENTS`). */
  sourceName: string;
  /** Unique per process: the lease owner. */
  workerId: string;
  catalogue: CatalogueIndex;
  repository: GoalRepository;
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
  defaultEventKind?: AgsEventName;
  flushIntervalMs: number;
  shutdownDeadlineMs: number;
  /** Partitions flushing at once, each in its own transaction on its own connection. */
  flushConcurrency: number;
  /** A lease (and a heartbeat) not renewed for this long may be taken over. */
  leaseTtlMs: number;
  /** Heartbeat, renewal, fair-share and takeover check interval; well inside the TTL. */
  leaseScanIntervalMs: number;
}

export interface PartitionedRunSummary {
  stoppedBy: 'stop';
  workerId: string;
  /** Records this process read, by outcome — including records of partitions it lost before their flush committed (the new owner reads them again). */
  events: Record<EventOutcome, number>;
  rowsWritten: number;
  flushes: number;
  leases: { acquired: number; takeovers: number; lost: number; released: number };
  durationMs: number;
}

type LaneEnding = 'release' | 'lost' | 'shutdown';

/** One partition this worker holds: its reader and its own GoalWorker (buffers, flushes, position). */
interface Lane {
  partition: string;
  epoch: bigint;
  source: JetStreamPartitionSource;
  worker: GoalWorker;
  ending: LaneEnding | null;
  finished: Promise<void>;
}

/**
 * The JetStream worker: several processes share the stream's partitions
 * through lease rows in PostgreSQL.
 *
 * Every `leaseScanIntervalMs` (one scan at a time): beat the heartbeat;
 * renew the leases held (a partition not renewed was taken over: its lane is
 * stopped and its uncommitted work dropped); compute the fair share
 * ceil(P / live workers); give back partitions above it (after their final
 * flush commits); acquire free or expired ones below it (epoch + 1 each).
 *
 * Each held partition runs as a lane: a GoalWorker over that partition's
 * reader, whose flushes are fenced on (worker, epoch) and share the process's
 * flush slots, so up to `flushConcurrency` partitions commit at once, each in
 * its own transaction with its own position. A fenced flush refused
 * (LEASE_LOST) ends only that lane.
 */
export class PartitionedWorker {
  readonly #options: PartitionedWorkerOptions;
  readonly #lanes = new Map<string, Lane>();
  readonly #slots: FlushSlots;
  readonly #stop = new AbortController();
  readonly #leaseCounts = { acquired: 0, takeovers: 0, lost: 0, released: 0 };
  #laneTotals = { rowsWritten: 0, flushes: 0 };
  #fatal: unknown = null;
  #fairShare = 0;
  #unassigned = Number.POSITIVE_INFINITY;
  #scanned = false;
  #js: JetStreamClient | null = null;
  #jsm: JetStreamManager | null = null;

  constructor(options: PartitionedWorkerOptions) {
    this.#options = options;
    this.#slots = new FlushSlots(options.flushConcurrency);
  }

  /** /readyz: reading, and holding the fair share (or every partition is held by a live worker already). */
  get readiness(): Readiness {
    if (this.#stop.signal.aborted) return { ready: false, reason: 'stopping' };
    if (!this.#scanned) return { ready: false, reason: 'starting: no lease scan yet' };
    const active = [...this.#lanes.values()].filter((lane) => lane.ending === null);
    for (const lane of active) {
      const readiness = lane.worker.readiness;
      if (!readiness.ready) return { ready: false, reason: `partition ${lane.partition}: ${readiness.reason}` };
    }
    if (active.length < this.#fairShare && this.#unassigned > 0) {
      return { ready: false, reason: `holds ${active.length} partitions, fair share ${this.#fairShare}, ${this.#unassigned} not held by a live worker yet` };
    }
    return { ready: true, reason: `ready: holds ${active.length} of ${this.#options.partitions} partitions (fair share ${this.#fairShare})` };
  }

  get ready(): boolean {
    return this.readiness.ready;
  }

  /** Partitions this worker holds now, with their epochs (for tests and logs). */
  get held(): { partition: string; epoch: bigint }[] {
    return [...this.#lanes.values()].filter((lane) => lane.ending === null).map(({ partition, epoch }) => ({ partition, epoch }));
  }

  stop(): void {
    if (this.#stop.signal.aborted) return;
    this.#options.logger.info({ deadlineMs: this.#options.shutdownDeadlineMs }, 'stopping: final flush of every partition, then giving the leases back');
    this.#stop.abort();
  }

  async run(): Promise<PartitionedRunSummary> {
    const { leaseDatabase: db, sourceName, partitions, logger, workerId } = this.#options;
    const started = performance.now();
    this.#js = jetstream(this.#options.connection);
    this.#jsm = await jetstreamManager(this.#options.connection);
    await ensurePartitionLeaseRows(db, sourceName, partitions);
    const known = await countPartitionLeaseRows(db, sourceName);
    if (known.highest !== null && known.highest >= partitions) {
      throw new EventStreamError(
        'PARTITION_COUNT_MISMATCH',
        `the database holds leases for ${known.highest + 1} partitions of ${JSON.stringify(sourceName)}, but the stream and this worker have ${partitions}: the stream was recreated with fewer partitions (see the README on changing P)`,
      );
    }
    logger.info({ workerId, source: sourceName, partitions, flushConcurrency: this.#slots.size, leaseTtlMs: this.#options.leaseTtlMs }, 'partitioned worker started');
    try {
      while (!this.#stop.signal.aborted) {
        try {
          await this.#scan();
        } catch (error) {
          // the database or NATS is away: held leases stay until their TTL, and flushes stay fenced
          logger.warn({ err: error }, 'lease scan failed; retrying at the next interval');
        }
        this.#throwIfFatal();
        await sleep(this.#options.leaseScanIntervalMs, this.#stop.signal);
      }
      await this.#endAllLanes();
      this.#throwIfFatal();
    } finally {
      this.#stop.abort();
      await Promise.allSettled([...this.#lanes.values()].map((lane) => lane.source.close()));
      await removeWorkerHeartbeat(db, sourceName, workerId).catch(() => undefined);
    }
    const events = await this.#eventCounts();
    const summary: PartitionedRunSummary = {
      stoppedBy: 'stop',
      workerId,
      events,
      rowsWritten: this.#laneTotals.rowsWritten,
      flushes: this.#laneTotals.flushes,
      leases: { ...this.#leaseCounts },
      durationMs: Math.round(performance.now() - started),
    };
    logger.info({ summary }, 'worker finished');
    return summary;
  }

  async #scan(): Promise<void> {
    const { leaseDatabase: db, sourceName, workerId, partitions, leaseTtlMs, metrics, logger } = this.#options;
    await beatWorkerHeartbeat(db, sourceName, workerId, leaseTtlMs);

    const active = [...this.#lanes.values()].filter((lane) => lane.ending === null);
    const renewed = await renewPartitionLeases(db, sourceName, workerId, active, leaseTtlMs);
    for (const lane of active) {
      if (renewed.has(lane.partition)) continue;
      logger.warn({ partition: lane.partition, epoch: lane.epoch.toString() }, 'lease lost to another worker: dropping the uncommitted work of this partition');
      this.#countLoss();
      this.#endLane(lane, 'lost');
    }
    if (this.#stop.signal.aborted) return;

    const live = Math.max(1, await countLiveWorkers(db, sourceName));
    const share = Math.ceil(partitions / live);
    this.#fairShare = share;
    metrics.fairShare.set(share);
    const holding = [...this.#lanes.values()].filter((lane) => lane.ending === null);
    if (holding.length > share) {
      // give back the highest partitions above the share: a joining worker takes them once their last flush committed
      const extras = holding.sort((a, b) => Number(b.partition) - Number(a.partition)).slice(0, holding.length - share);
      for (const lane of extras) {
        logger.info({ partition: lane.partition, share, live }, 'giving a partition back (fair share shrank)');
        this.#endLane(lane, 'release');
      }
    } else if (holding.length < share) {
      const windingDown = [...this.#lanes.values()].filter((lane) => lane.ending !== null).map((lane) => lane.partition);
      const acquired = await acquirePartitionLeases(db, sourceName, workerId, share - holding.length, leaseTtlMs, windingDown);
      for (const lease of acquired) this.#startLane(lease);
    }

    const leases = await readPartitionLeases(db, sourceName);
    this.#unassigned = leases.filter((lease) => !lease.live).length;
    metrics.partitionEpoch.reset();
    for (const lease of leases) metrics.partitionEpoch.set({ partition: lease.partition, owner: lease.owner ?? '' }, Number(lease.epoch));
    metrics.partitionsHeld.set(this.held.length);
    this.#scanned = true;
    await this.#recordLag().catch((error: unknown) => logger.debug({ err: error }, 'could not read the partition lags'));
  }

  #startLane(lease: AcquiredLease): void {
    const { logger, workerId, metrics } = this.#options;
    const takeover = lease.previousOwner !== null && lease.previousOwner !== workerId;
    this.#leaseCounts.acquired += 1;
    metrics.leaseAcquisitions.inc();
    if (takeover) {
      this.#leaseCounts.takeovers += 1;
      metrics.leaseTakeovers.inc();
    }
    const existing = this.#lanes.get(lease.partition);
    if (existing !== undefined) {
      // our own lease expired (a long pause) and we took it again at a new epoch: the old lane is fenced out
      this.#endLane(existing, 'lost');
    }
    const laneLogger = logger.child({ partition: lease.partition, epoch: lease.epoch.toString() });
    laneLogger.info({ previousOwner: lease.previousOwner, takeover }, 'partition acquired');
    const source = new JetStreamPartitionSource({
      js: this.#requireJs(),
      jsm: this.#requireJsm(),
      sourceName: this.#options.sourceName,
      partition: Number(lease.partition),
      warn: (message, fields) => laneLogger.warn(fields, message),
    });
    const lanes = this.#lanes;
    const maxBufferRows = this.#options.maxBufferRows;
    const maxBufferBytes = this.#options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES;
    const heldNow = () => {
      let held = 0;
      for (const lane of lanes.values()) if (lane.ending === null) held += 1;
      return Math.max(1, held);
    };
    const worker = new GoalWorker({
      source,
      catalogue: this.#options.catalogue,
      repository: this.#options.repository,
      metrics,
      logger: laneLogger,
      // the process-wide bound, split between the partitions held now
      get maxBufferRows() {
        return Math.max(100, Math.floor(maxBufferRows / heldNow()));
      },
      get maxBufferBytes() {
        return Math.max(1 << 20, Math.floor(maxBufferBytes / heldNow()));
      },
      stallAfterMs: this.#options.stallAfterMs,
      defaultEventKind: this.#options.defaultEventKind,
      flushIntervalMs: this.#options.flushIntervalMs,
      shutdownDeadlineMs: this.#options.shutdownDeadlineMs,
      lease: { owner: workerId, epoch: lease.epoch },
      flushSlots: this.#slots,
    });
    const lane: Lane = { partition: lease.partition, epoch: lease.epoch, source, worker, ending: null, finished: Promise.resolve() };
    lane.finished = worker.run().then(
      (summary) => this.#laneEnded(lane, null, summary),
      (error: unknown) => this.#laneEnded(lane, error, null),
    );
    this.#lanes.set(lease.partition, lane);
  }

  #endLane(lane: Lane, ending: LaneEnding): void {
    if (lane.ending !== null) return;
    lane.ending = ending;
    lane.worker.stop();
    // a read waiting on an idle partition ends here
    void lane.source.close();
  }

  async #laneEnded(lane: Lane, error: unknown, summary: { rowsWritten: number; flushes: number } | null): Promise<void> {
    const { logger, leaseDatabase: db, sourceName, workerId, metrics } = this.#options;
    await lane.source.close();
    if (this.#lanes.get(lane.partition) === lane) this.#lanes.delete(lane.partition);
    if (summary !== null) {
      this.#laneTotals = { rowsWritten: this.#laneTotals.rowsWritten + summary.rowsWritten, flushes: this.#laneTotals.flushes + summary.flushes };
    }
    if (error === null || error === undefined) {
      if (lane.ending === 'lost') return;
      // the last flush committed: hand the partition over at once instead of after the TTL
      try {
        if (await releasePartitionLease(db, sourceName, workerId, lane.partition, lane.epoch)) {
          this.#leaseCounts.released += 1;
          metrics.leaseReleases.inc();
          logger.info({ partition: lane.partition }, 'partition given back');
        }
      } catch (releaseError) {
        logger.warn({ err: releaseError, partition: lane.partition }, 'could not give the partition back; it is free once its lease expires');
      }
      return;
    }
    if (isLeaseLost(error)) {
      if (lane.ending !== 'lost') {
        this.#countLoss();
        lane.ending = 'lost';
      }
      logger.warn({ partition: lane.partition, epoch: lane.epoch.toString() }, 'flush refused by the lease fence: the partition was taken over; its uncommitted work is dropped (the new owner reads it again from the stored position)');
      return;
    }
    if (lane.ending === 'lost') {
      logger.warn({ err: error, partition: lane.partition }, 'a lost partition ended with an error; its uncommitted work is dropped');
      return;
    }
    logger.error({ err: error, partition: lane.partition }, 'a partition failed: stopping the worker');
    this.#fatal ??= error;
    this.stop();
  }

  #countLoss(): void {
    this.#leaseCounts.lost += 1;
    this.#options.metrics.leaseLosses.inc();
  }

  async #endAllLanes(): Promise<void> {
    const lanes = [...this.#lanes.values()];
    for (const lane of lanes) this.#endLane(lane, 'shutdown');
    await Promise.all(lanes.map((lane) => lane.finished));
  }

  /** Per partition: the stream's last sequence on its subject minus the stored position. */
  async #recordLag(): Promise<void> {
    const { repository, sourceName, partitions, metrics } = this.#options;
    const jsm = this.#requireJsm();
    const stored = new Map((await repository.loadSourcePositions(sourceName)).map((p) => [p.partition, p.position]));
    let total = 0;
    for (let partition = 0; partition < partitions; partition++) {
      const last = await jsm.streams.getMessage(EVENT_STREAM_NAME, { last_by_subj: partitionSubject(partition) }).catch(() => null);
      const lag = last === null ? 0 : Math.max(0, last.seq - Number(stored.get(String(partition)) ?? 0n));
      metrics.partitionLag.set({ partition: String(partition) }, lag);
      if (this.#lanes.get(String(partition))?.ending === null) total += lag;
    }
    metrics.sourceLag.set(total);
  }

  async #eventCounts(): Promise<Record<EventOutcome, number>> {
    const counts: Record<EventOutcome, number> = { applied: 0, ignored: 0, dead_lettered: 0 };
    for (const value of (await this.#options.metrics.events.get()).values) {
      const outcome = value.labels.outcome;
      if (outcome === 'applied' || outcome === 'ignored' || outcome === 'dead_lettered') counts[outcome] += value.value;
    }
    return counts;
  }

  #throwIfFatal(): void {
    if (this.#fatal !== null) throw this.#fatal;
  }

  #requireJs(): JetStreamClient {
    if (this.#js === null) throw new Error('run() has not started');
    return this.#js;
  }

  #requireJsm(): JetStreamManager {
    if (this.#jsm === null) throw new Error('run() has not started');
    return this.#jsm;
  }
}

/** LeaseLostError, directly or as the cause of the flusher's FatalFlushError. */
function isLeaseLost(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (current instanceof GoalError && current.code === 'LEASE_LOST') return true;
  }
  return false;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
