import type { GoalStatus, UserGoalProgress } from './progress.js';

/**
 * The persistence port of goal progress (SPEC §2.2), declared beside the
 * domain's types: what the claim flow and any service code against.
 * `@goals/prisma-repo` (`PostgresGoalRepository`) implements it. What a
 * consumer of an event source needs besides (stored positions, dead letters,
 * the lease fence) is the SourceLedger port (`source-ledger.port.ts`), kept
 * apart so this one stays the size of the Go original's.
 *
 * Every write validates its whole input before any SQL (ValidationError,
 * nothing written), never changes a claimed record (except the daily-reward
 * reopening of batchCompleteDaily), and keeps completion sticky with a
 * completedAt. Database failures surface as DatabaseError (code
 * `DATABASE_ERROR`, with `sqlState`) or DatabaseTimeoutError (code
 * `DATABASE_TIMEOUT`, with `timeout`), the method name as `operation`; calls
 * on a finished transaction as TransactionClosedError.
 */
export interface GoalRepository {
  getProgress(userId: string, goalId: string): Promise<UserGoalProgress | null>;
  /** All of the user's records, oldest createdAt first (ties: goalId). */
  getUserProgress(userId: string): Promise<UserGoalProgress[]>;
  /** The user's records of one challenge, oldest createdAt first (ties: goalId). */
  getChallengeProgress(userId: string, challengeId: string): Promise<UserGoalProgress[]>;

  /** Insert, or overwrite progress/status/completedAt/claimedAt; claimed records are silently left alone. */
  upsertProgress(progress: ProgressUpsert): Promise<void>;
  /** upsertProgress for many records in one UNNEST statement; atomic. */
  batchUpsertProgress(progress: readonly ProgressUpsert[]): Promise<void>;
  /** Same semantics as batchUpsertProgress, through COPY into a session temp table and one merge; atomic. */
  batchUpsertProgressWithCopy(progress: readonly ProgressUpsert[]): Promise<void>;

  /**
   * Atomic add (domain `applyGoalEffect('increment')`). Daily: adds only when the
   * record was last written on an earlier UTC day than `at` (default: the
   * database clock); a missing record starts at delta.
   */
  incrementProgress(
    userId: string,
    goalId: string,
    challengeId: string,
    namespace: string,
    delta: number,
    targetValue: number,
    isDailyIncrement: boolean,
    at?: Date,
  ): Promise<void>;
  /** incrementProgress for many, each element with its own delta, target, daily flag and time. */
  batchIncrementProgress(increments: readonly ProgressIncrement[]): Promise<void>;

  /** Absolute progress (domain `applyGoalEffect('set')`): the progress writes of an event consumer's flush, beside §2.2. */
  batchApplyAbsolute(updates: readonly AbsoluteProgressUpdate[]): Promise<void>;
  /** Daily goals completed (domain `applyGoalEffect('complete_daily')`); reopens a goal claimed on an earlier UTC day. */
  batchCompleteDaily(completions: readonly DailyCompletion[]): Promise<void>;

  /** completed → claimed; resolves with the claimedAt written. GoalNotFoundError / GoalNotCompletedError / GoalAlreadyClaimedError otherwise. */
  markAsClaimed(userId: string, goalId: string): Promise<Date>;

  /** A transaction holding one connection until commit() or rollback(). */
  beginTx(): Promise<TxRepository>;
  /** Runs `work` in a transaction: commits when it resolves, rolls back when it throws. */
  withTransaction<T>(work: (tx: TxRepository) => Promise<T>): Promise<T>;
  /** Ends the pool if the repository created it, and the Prisma client. */
  close(): Promise<void>;
}

/** Every method of GoalRepository inside one PostgreSQL transaction. */
export interface TxRepository extends GoalRepository {
  /** SELECT … FOR UPDATE: a second transaction locking the same record waits until this one ends. */
  getProgressForUpdate(userId: string, goalId: string): Promise<UserGoalProgress | null>;
  /** Throws (and rolls back) when a statement of this transaction failed: PostgreSQL would have rolled back silently. */
  commit(): Promise<void>;
  /** Idempotent once the transaction is finished. */
  rollback(): Promise<void>;
}

/**
 * A full record to write. Status rules (the caller decides the status; this is
 * an overwrite, not an effect):
 * - completed or claimed without completedAt → completedAt = the write time;
 * - claimed without claimedAt → claimedAt = the write time;
 * - claimedAt with any other status is a validation error.
 */
export interface ProgressUpsert {
  userId: string;
  goalId: string;
  challengeId: string;
  namespace: string;
  progress: number;
  status: GoalStatus;
  completedAt: Date | null;
  claimedAt?: Date | null;
}

export interface ProgressIncrement {
  userId: string;
  goalId: string;
  challengeId: string;
  namespace: string;
  /** ≥ 0; progress saturates at the INT maximum. */
  delta: number;
  targetValue: number;
  isDailyIncrement: boolean;
  /** Event time: the UTC day a daily increment counts on, and updatedAt. Default: the database clock. */
  at?: Date;
}

export interface AbsoluteProgressUpdate {
  userId: string;
  goalId: string;
  challengeId: string;
  namespace: string;
  value: number;
  targetValue: number;
  at: Date;
  /** When the target was already met earlier inside the caller's aggregate (completes even if `value` fell below). */
  reachedAt: Date | null;
}

export interface DailyCompletion {
  userId: string;
  goalId: string;
  challengeId: string;
  namespace: string;
  targetValue: number;
  at: Date;
}
