import { GoalError } from '@goals/domain';
import type { PartitionConsumers } from '@goals/event-stream';
import { GoalWorker, type GoalWorkerOptions, type RunSummary } from '../goal-worker.js';
import type { AcquiredLease, PartitionLeases } from '../leases/partition-leases.js';
import type { Readiness } from '@goals/runtime';
import type { Logger } from '../observability/logger.js';
import { JetStreamPartitionSource } from '../sources/jetstream-partition-source.js';
import type { PartitionedRunCounts } from './run-counts.js';

/** What a lane shares with the other lanes of its worker. */
export interface LaneContext {
  sourceName: string;
  leases: PartitionLeases;
  consumers: PartitionConsumers;
  counts: PartitionedRunCounts;
  logger: Logger;
  /** The GoalWorker settings every lane has (the buffer budget is the worker's, shared and updated by it). */
  worker: Omit<GoalWorkerOptions, 'source' | 'logger' | 'lease'>;
  /** Told after every state change (the worker re-splits the buffer budget, forgets ended lanes). */
  onStateChange: (lane: PartitionLane) => void;
  /** A failure that is not a lost lease: the worker stops. */
  onFailure: (error: unknown) => void;
}

export type LaneState = 'running' | 'releasing' | 'lost' | 'stopping' | 'ended';

const LANE_TRANSITIONS: Record<LaneState, readonly LaneState[]> = {
  running: ['releasing', 'lost', 'stopping', 'ended'],
  releasing: ['lost', 'ended'],
  stopping: ['lost', 'ended'],
  lost: ['ended'],
  ended: [],
};

/**
 * One partition this worker holds: a reader of the partition and a
 * GoalWorker over it (buffers, fenced flushes, its own positions). One state,
 * changed only through `#setState(from, to)`, which throws on any other
 * transition:
 *
 *   running ──release() (fair share shrank)──► releasing ─┐
 *   running ──stop() (shutdown)──────────────► stopping ──┼─(final flush committed)──► ended, lease given back
 *   running ──lose() (renewal failed)────────► lost ──────┴─(work dropped)───────────► ended, lease left to its new owner
 *   releasing / stopping ──(the fence refused the final flush)──► lost
 *   running ──(the GoalWorker failed)──► ended, and the worker stops
 *
 * Only a running lane counts as held (renewed, in the fair share, ready or
 * not); releasing, stopping and lost lanes are winding down and their
 * partitions are not acquired again until they ended.
 */
export class PartitionLane {
  readonly partition: string;
  readonly epoch: bigint;
  /** Settles when the lane ended (never rejects: failures go to `onFailure`). */
  readonly ended: Promise<void>;
  readonly #context: LaneContext;
  readonly #source: JetStreamPartitionSource;
  readonly #worker: GoalWorker;
  readonly #logger: Logger;
  #state: LaneState = 'running';

  constructor(lease: AcquiredLease, context: LaneContext) {
    this.partition = lease.partition;
    this.epoch = lease.epoch;
    this.#context = context;
    this.#logger = context.logger.child({ partition: lease.partition, epoch: lease.epoch.toString() });
    const warn = (message: string, fields: Record<string, unknown>) => this.#logger.warn(fields, message);
    this.#source = new JetStreamPartitionSource(context.sourceName, context.consumers.reader(Number(lease.partition), warn));
    this.#worker = new GoalWorker({ ...context.worker, source: this.#source, logger: this.#logger, lease: { owner: context.leases.workerId, epoch: lease.epoch } });
    this.ended = this.#worker.run().then(
      (summary) => this.#settle(null, summary),
      (error: unknown) => this.#settle(error, null),
    );
  }

  get state(): LaneState {
    return this.#state;
  }

  get readiness(): Readiness {
    return this.#worker.readiness;
  }

  /** running → releasing: final flush, then the lease is given back (a joining worker takes it). */
  release(): void {
    this.#windDown('running', 'releasing');
  }

  /** running → lost: another worker holds the partition; uncommitted work is dropped (the fence refuses it anyway). */
  lose(): void {
    this.#windDown('running', 'lost');
  }

  /** running → stopping (shutdown); a lane already winding down goes on as it is. */
  stop(): void {
    if (this.#state === 'running') this.#windDown('running', 'stopping');
  }

  /** Closes the reader (a read waiting on an idle partition ends); also after the lane ended. */
  closeSource(): Promise<void> {
    return this.#source.close();
  }

  #windDown(from: LaneState, to: LaneState): void {
    this.#setState(from, to);
    this.#worker.stop();
    // a read waiting on an idle partition ends here
    void this.#source.close();
  }

  async #settle(error: unknown, summary: RunSummary | null): Promise<void> {
    const { counts, leases, onFailure } = this.#context;
    await this.#source.close();
    counts.laneEnded(this.#worker.eventCounts, summary);
    if (error === null) {
      const lost = this.#state === 'lost';
      this.#setState(this.#state, 'ended');
      if (!lost) await this.#giveBack(leases, counts);
      return;
    }
    if (isLeaseLost(error)) {
      counts.fenced();
      if (this.#state !== 'lost') {
        counts.lost();
        this.#setState(this.#state, 'lost');
      }
      this.#logger.warn('flush refused by the lease fence: the partition was taken over; its uncommitted work is dropped (the new owner reads it again from the stored position)');
    } else if (this.#state === 'lost') {
      this.#logger.warn({ err: error }, 'a lost partition ended with an error; its uncommitted work is dropped');
    } else {
      this.#logger.error({ err: error }, 'a partition failed: stopping the worker');
      this.#setState(this.#state, 'ended');
      onFailure(error);
      return;
    }
    this.#setState('lost', 'ended');
  }

  /** The last flush committed: hand the partition over at once instead of after the TTL. */
  async #giveBack(leases: PartitionLeases, counts: PartitionedRunCounts): Promise<void> {
    try {
      if (await leases.release({ partition: this.partition, epoch: this.epoch })) {
        counts.released();
        this.#logger.info('partition given back');
      }
    } catch (releaseError) {
      this.#logger.warn({ err: releaseError }, 'could not give the partition back; it is free once its lease expires');
    }
  }

  #setState(from: LaneState, to: LaneState): void {
    if (this.#state !== from || !LANE_TRANSITIONS[from].includes(to)) {
      throw new Error(`PartitionLane ${this.partition}: illegal transition ${from} → ${to} (state is ${this.#state})`);
    }
    this.#state = to;
    this.#context.onStateChange(this);
  }
}

/** LeaseLostError, directly or as the cause of the flusher's FatalFlushError. */
function isLeaseLost(error: unknown): boolean {
  for (let current: unknown = error; current instanceof Error; current = current.cause) {
    if (current instanceof GoalError && current.code === 'LEASE_LOST') return true;
  }
  return false;
}
