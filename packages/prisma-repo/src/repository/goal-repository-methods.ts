import {
  GoalAlreadyClaimedError,
  GoalNotCompletedError,
  GoalNotFoundError,
  LeaseLostError,
  SourcePositionConflictError,
  type AbsoluteProgressUpdate,
  type DailyCompletion,
  type DeadLetter,
  type GoalRepository,
  type ProgressIncrement,
  type ProgressUpsert,
  type SourcePosition,
  type SourcePositionMove,
  type LedgerTransaction,
  type SourceLedger,
  type UserGoalProgress,
} from '@goals/domain';
import { ABSOLUTE_BATCH, DAILY_BATCH, INCREMENT_BATCH, UPSERT_BATCH } from '../batch/batch-kinds.js';
import { foldIncrements, foldSameDayCompletions, lastUpsertWins } from '../batch/fold-consecutive.js';
import { planRounds } from '../batch/plan-rounds.js';
import { runBatch } from '../batch/run-batch.js';
import type { PgQueryable, QueryPlace } from '../connection/query-place.js';
import { refuseOverflow } from '../errors/refuse-overflow.js';
import { applyAbsoluteProgress } from '../sql/apply-absolute-progress.js';
import { batchIncrementProgress } from '../sql/batch-increment-progress.js';
import { batchUpsertProgress } from '../sql/batch-upsert-progress.js';
import { completeDailyGoals } from '../sql/complete-daily-goals.js';
import { getChallengeProgress } from '../sql/get-challenge-progress.js';
import { getProgress } from '../sql/get-progress.js';
import { getUserProgress } from '../sql/get-user-progress.js';
import { incrementProgress } from '../sql/increment-progress.js';
import { insertFirstSourcePosition } from '../sql/insert-first-source-position.js';
import { findSourcesByFingerprint, loadSourcePositions } from '../sql/load-source-positions.js';
import { markAsClaimed } from '../sql/mark-as-claimed.js';
import { lockPartitionLease } from '../sql/lock-partition-lease.js';
import { moveSourcePosition } from '../sql/move-source-position.js';
import { toUserGoalProgress } from '../sql/progress-row.js';
import { recordDeadLetters } from '../sql/record-dead-letters.js';
import { storeSourcePositions } from '../sql/store-source-positions.js';
import { upsertProgress } from '../sql/upsert-progress.js';
import { checkBatch } from '../validation/input-checks.js';
import {
  checkKey,
  validateAbsoluteUpdates,
  validateDailyCompletions,
  validateDeadLetters,
  validateIncrement,
  validateIncrements,
  validateSourcePositionMove,
  validateSourcePositions,
  MAX_SOURCE_MARK_LENGTH,
  validateUpsert,
  validateUpserts,
} from '../validation/validate-inputs.js';
import { validateLeaseFence } from '../validation/validate-lease-fence.js';

/**
 * Batches of at least this many rows (after validation, before coalescing)
 * go through COPY into a session temp table and one merge statement; smaller
 * ones are one UNNEST statement. Measured on PostgreSQL 15 here (bench/
 * flush-batches.ts and the 1,000 / 10,000-row rows of run-bench.ts): see README.
 */
export const DEFAULT_COPY_THRESHOLD = 5_000;

/**
 * Every data method of GoalRepository and SourceLedger, written once for the repository and
 * its transactions: validate everything first (no SQL for bad input), then
 * the statement(s) of src/sql/ — one import away — at the place `run` hands
 * over. The repository and a TxRepository differ only in `run`: where the
 * statements go, and their own rules (a finished transaction refuses calls, a
 * failed statement poisons its commit). `run` also turns database failures
 * into DatabaseError named after the method.
 */
export abstract class GoalRepositoryMethods implements Omit<GoalRepository, 'beginTx' | 'withTransaction' | 'close'>, SourceLedger {
  protected abstract run<T>(operation: string, work: (place: QueryPlace) => Promise<T>): Promise<T>;
  protected abstract readonly copyThreshold: number;

  abstract beginTx(): Promise<LedgerTransaction>;

  getProgress(userId: string, goalId: string): Promise<UserGoalProgress | null> {
    return this.run('getProgress', async (place) => {
      checkKey('getProgress', { userId, goalId });
      const row = await getProgress(place, userId, goalId);
      return row === null ? null : toUserGoalProgress(row);
    });
  }

  getUserProgress(userId: string): Promise<UserGoalProgress[]> {
    return this.run('getUserProgress', async (place) => {
      checkKey('getUserProgress', { userId });
      return (await getUserProgress(place, userId)).map(toUserGoalProgress);
    });
  }

  getChallengeProgress(userId: string, challengeId: string): Promise<UserGoalProgress[]> {
    return this.run('getChallengeProgress', async (place) => {
      checkKey('getChallengeProgress', { userId, challengeId });
      return (await getChallengeProgress(place, userId, challengeId)).map(toUserGoalProgress);
    });
  }

  upsertProgress(progress: ProgressUpsert): Promise<void> {
    return this.run('upsertProgress', async (place) => {
      validateUpsert('upsertProgress', progress);
      await upsertProgress(place, progress);
    });
  }

  batchUpsertProgress(progress: readonly ProgressUpsert[]): Promise<void> {
    return this.run('batchUpsertProgress', async (place) => {
      validateUpserts('batchUpsertProgress', progress);
      if (progress.length === 0) return;
      await runBatch(place, UPSERT_BATCH, planRounds(progress, lastUpsertWins), 'unnest', batchUpsertProgress);
    });
  }

  batchUpsertProgressWithCopy(progress: readonly ProgressUpsert[]): Promise<void> {
    return this.run('batchUpsertProgressWithCopy', async (place) => {
      validateUpserts('batchUpsertProgressWithCopy', progress);
      if (progress.length === 0) return;
      await runBatch(place, UPSERT_BATCH, planRounds(progress, lastUpsertWins), 'copy', batchUpsertProgress);
    });
  }

  incrementProgress(
    userId: string,
    goalId: string,
    challengeId: string,
    namespace: string,
    delta: number,
    targetValue: number,
    isDailyIncrement: boolean,
    at?: Date,
  ): Promise<void> {
    return this.run('incrementProgress', async (place) => {
      const increment = { userId, goalId, challengeId, namespace, delta, targetValue, isDailyIncrement, at };
      validateIncrement('incrementProgress', increment);
      await refuseOverflow('incrementProgress', { userId, goalId, delta }, () => incrementProgress(place, increment));
    });
  }

  batchIncrementProgress(increments: readonly ProgressIncrement[]): Promise<void> {
    return this.run('batchIncrementProgress', async (place) => {
      validateIncrements('batchIncrementProgress', increments);
      if (increments.length === 0) return;
      const rounds = planRounds(increments, foldIncrements);
      await refuseOverflow('batchIncrementProgress', {}, () => runBatch(place, INCREMENT_BATCH, rounds, this.#route(increments), batchIncrementProgress));
    });
  }

  batchApplyAbsolute(updates: readonly AbsoluteProgressUpdate[]): Promise<void> {
    return this.run('batchApplyAbsolute', async (place) => {
      validateAbsoluteUpdates('batchApplyAbsolute', updates);
      if (updates.length === 0) return;
      await runBatch(place, ABSOLUTE_BATCH, planRounds(updates), this.#route(updates), applyAbsoluteProgress);
    });
  }

  batchCompleteDaily(completions: readonly DailyCompletion[]): Promise<void> {
    return this.run('batchCompleteDaily', async (place) => {
      validateDailyCompletions('batchCompleteDaily', completions);
      if (completions.length === 0) return;
      await runBatch(place, DAILY_BATCH, planRounds(completions, foldSameDayCompletions), this.#route(completions), completeDailyGoals);
    });
  }

  markAsClaimed(userId: string, goalId: string): Promise<Date> {
    return this.run('markAsClaimed', async (place) => {
      checkKey('markAsClaimed', { userId, goalId });
      for (let attempt = 1; ; attempt++) {
        const outcome = await markAsClaimed(place, userId, goalId);
        if (outcome.claimedAt !== null) return outcome.claimedAt;
        const status = outcome.statusBefore;
        if (status === null) throw new GoalNotFoundError('markAsClaimed', userId, goalId);
        if (status === 'claimed') throw new GoalAlreadyClaimedError('markAsClaimed', userId, goalId);
        if (status !== 'completed') throw new GoalNotCompletedError('markAsClaimed', userId, goalId, status);
        // Completed in this statement's snapshot, yet not updated: another
        // transaction changed the row before this one got its lock (usually by
        // claiming it). Ask again once, with a fresh snapshot, to say which.
        if (attempt === 2) throw new GoalAlreadyClaimedError('markAsClaimed', userId, goalId);
      }
    });
  }

  storeSourcePositions(positions: readonly SourcePosition[]): Promise<void> {
    return this.run('storeSourcePositions', async (place) => {
      validateSourcePositions('storeSourcePositions', positions);
      if (positions.length === 0) return;
      // The last position given for a partition wins, as with one call per element.
      const latest = new Map<string, SourcePosition>();
      for (const p of positions) latest.set(`${p.source}\u0000${p.partition}`, p);
      const sorted = [...latest.values()].sort((a, b) => compareText(a.source, b.source) || compareText(a.partition, b.partition));
      await storeSourcePositions(place, {
        sources: sorted.map((p) => p.source),
        partitions: sorted.map((p) => p.partition),
        positions: sorted.map((p) => p.position.toString()),
      });
    });
  }

  loadSourcePositions(source: string): Promise<SourcePosition[]> {
    return this.run('loadSourcePositions', async (place) => {
      checkBatch('loadSourcePositions', [{ source }], (checks, row) => checks.id(row.source, 'source', 200));
      return loadSourcePositions(place, source);
    });
  }

  findSourcesByFingerprint(fingerprint: string): Promise<SourcePosition[]> {
    return this.run('findSourcesByFingerprint', async (place) => {
      checkBatch('findSourcesByFingerprint', [{ fingerprint }], (checks, row) => checks.id(row.fingerprint, 'fingerprint', MAX_SOURCE_MARK_LENGTH));
      return findSourcesByFingerprint(place, fingerprint);
    });
  }

  advanceSourcePosition(move: SourcePositionMove): Promise<void> {
    return this.run('advanceSourcePosition', async (place) => {
      validateSourcePositionMove('advanceSourcePosition', move);
      const marks = { checkpoint: move.checkpoint ?? null, fingerprint: move.fingerprint ?? null };
      const lease = move.lease;
      if (lease !== undefined) validateLeaseFence('advanceSourcePosition', lease);
      const compareAndSet = (db: PgQueryable) =>
        move.from === null
          ? insertFirstSourcePosition(db, { source: move.source, partition: move.partition, to: move.to.toString(), ...marks })
          : moveSourcePosition(db, { source: move.source, partition: move.partition, from: move.from.toString(), to: move.to.toString(), ...marks });
      let moved: boolean;
      if (lease === undefined) {
        moved = await compareAndSet(place.pg);
      } else {
        // the lock, the check and the compare-and-set in one transaction (the caller's, when it has one)
        const outcome = await place.atomic(async (transaction) => {
          const holder = await lockPartitionLease(transaction.client, move.source, move.partition);
          if (holder === null || holder.owner !== lease.owner || holder.epoch !== lease.epoch) return { lost: true as const, holder };
          return { lost: false as const, moved: await compareAndSet(transaction.client) };
        });
        if (outcome.lost) throw new LeaseLostError('advanceSourcePosition', move.source, move.partition, lease, outcome.holder);
        moved = outcome.moved;
      }
      if (moved) return;
      const stored = (await loadSourcePositions(place, move.source)).find((p) => p.partition === move.partition);
      throw new SourcePositionConflictError('advanceSourcePosition', move.source, move.partition, move.from, stored?.position ?? null);
    });
  }

  recordDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    return this.run('recordDeadLetters', async (place) => {
      validateDeadLetters('recordDeadLetters', letters);
      if (letters.length === 0) return;
      // Sorted by the unique key: concurrent writers insert in one order, no deadlock.
      const sorted = [...letters].sort(
        (a, b) =>
          compareText(a.source, b.source) ||
          compareText(a.partition, b.partition) ||
          (a.position < b.position ? -1 : a.position > b.position ? 1 : 0) ||
          compareText(a.goalId, b.goalId),
      );
      await recordDeadLetters(place, {
        sources: sorted.map((l) => l.source),
        partitions: sorted.map((l) => l.partition),
        positions: sorted.map((l) => l.position.toString()),
        goalIds: sorted.map((l) => l.goalId),
        eventIds: sorted.map((l) => l.eventId),
        payloads: sorted.map((l) => l.payload),
        reasons: sorted.map((l) => l.reason),
        errorCodes: sorted.map((l) => l.errorCode),
        payloadBytes: sorted.map((l) => (l.payloadBytes === undefined ? null : String(l.payloadBytes))),
        payloadSha256s: sorted.map((l) => l.payloadSha256 ?? null),
      });
    });
  }

  /** The worker's batch methods switch to COPY at copyThreshold rows. */
  #route(rows: readonly unknown[]): 'unnest' | 'copy' {
    return rows.length >= this.copyThreshold ? 'copy' : 'unnest';
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
