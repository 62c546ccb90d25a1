import type { GoalRepository, TxRepository } from './goal-repository.port.js';

/**
 * The port of an event consumer that commits its read positions with the
 * progress they produced (the worker): stored positions per source
 * partition, the content fingerprint of a replayed input, dead letters, and
 * the lease fence of a partition shared by several consumers. Kept apart from
 * GoalRepository, which stays the Go original's surface (SPEC §2.2); the
 * flush writes through both inside one transaction (LedgerTransaction).
 *
 * Errors: SourcePositionConflictError (a compare-and-set lost),
 * LeaseLostError (the fence refused), ValidationError (bad input, nothing
 * written), DatabaseError / DatabaseTimeoutError.
 */
export interface SourceLedger {
  /** Insert or overwrite the stored read positions of a source's partitions. */
  storeSourcePositions(positions: readonly SourcePosition[]): Promise<void>;
  loadSourcePositions(source: string): Promise<SourcePosition[]>;
  /** Every stored position whose source carries this content fingerprint (a replay of the same input under any name). */
  findSourcesByFingerprint(fingerprint: string): Promise<SourcePosition[]>;
  /**
   * Compare-and-set of one partition's position: moves it from `from` (null =
   * no position stored yet) to `to`, or throws SourcePositionConflictError
   * with the stored value. Consumers that commit positions with their writes
   * use it to fence out a second consumer and to recognise a commit whose
   * reply was lost. A move backwards (`to` < `from`) is a ValidationError.
   * With `move.lease`, fenced: LeaseLostError unless the lease row still
   * names that owner and epoch (and the row stays locked until the
   * transaction ends, so the fence holds until commit).
   */
  advanceSourcePosition(move: SourcePositionMove): Promise<void>;
  /** Dead letters are unique per (source, partition, position, goalId): replays cannot duplicate them. */
  recordDeadLetters(letters: readonly DeadLetter[]): Promise<void>;
}

/** One transaction that writes progress and moves the ledger together: commits both or neither. */
export type LedgerTransaction = TxRepository & SourceLedger;

/** A GoalRepository that is also a SourceLedger, and whose transactions are both (what the worker is given). */
export interface LedgeredGoalRepository extends GoalRepository, SourceLedger {
  beginTx(): Promise<LedgerTransaction>;
  withTransaction<T>(work: (tx: LedgerTransaction) => Promise<T>): Promise<T>;
}

export interface SourcePosition {
  source: string;
  partition: string;
  position: bigint;
  /** Identity of the record ending at `position`, as the consumer gave it (present only when stored). */
  checkpoint?: string;
  /** The source's content fingerprint, as the consumer gave it (present only when stored). */
  fingerprint?: string;
}

export interface SourcePositionMove {
  source: string;
  partition: string;
  from: bigint | null;
  to: bigint;
  /** Identity of the record ending at `to` (≤ 100 characters), stored with the position; a resume checks it. */
  checkpoint?: string;
  /** Content fingerprint of the source (≤ 100 characters); kept once stored. */
  fingerprint?: string;
  /**
   * Fencing for a partition shared through leases (partition_leases): the move
   * (and so the caller's whole transaction) happens only if the lease row,
   * locked FOR UPDATE, still names this owner with this epoch; LeaseLostError
   * otherwise.
   */
  lease?: LeaseFence;
}

/** Who must hold a partition's lease, and since which acquisition (epoch), for a fenced write. */
export interface LeaseFence {
  owner: string;
  epoch: bigint;
}

export interface DeadLetter {
  source: string;
  partition: string;
  position: bigint;
  /** '' = the whole event. */
  goalId: string;
  eventId: string | null;
  /** What is kept of the payload (a consumer may keep only its beginning; see payloadBytes). */
  payload: string;
  reason: string;
  errorCode: string;
  /** Length in bytes of the whole payload as received, when the consumer knows it. */
  payloadBytes?: number;
  /** Lowercase hex SHA-256 of the whole payload as received, when the consumer knows it. */
  payloadSha256?: string;
}
