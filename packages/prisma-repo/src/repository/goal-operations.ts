import {
  GoalAlreadyClaimedError,
  GoalNotCompletedError,
  GoalNotFoundError,
  MAX_PROGRESS,
  SourcePositionConflictError,
  ValidationError,
  utcDay,
  type UserGoalProgress,
} from '@goals/domain';
import {
  absoluteColumns,
  absoluteCopyChunks,
  dailyColumns,
  dailyCopyChunks,
  incrementColumns,
  incrementCopyChunks,
  incrementTargets,
  upsertColumns,
  upsertCopyChunks,
} from '../batch/batch-encoding.js';
import { planRounds } from '../batch/plan-rounds.js';
import type {
  AbsoluteProgressUpdate,
  DailyCompletion,
  DeadLetter,
  ProgressIncrement,
  ProgressUpsert,
  SourcePosition,
  SourcePositionMove,
} from '@goals/domain';
import { applyAbsoluteProgress, applyAbsoluteProgressFromStaging } from '../sql/apply-absolute-progress.js';
import { batchIncrementProgress, batchIncrementProgressFromStaging } from '../sql/batch-increment-progress.js';
import { batchUpsertProgress, batchUpsertProgressFromStaging } from '../sql/batch-upsert-progress.js';
import { completeDailyGoals, completeDailyGoalsFromStaging } from '../sql/complete-daily-goals.js';
import { copyIntoStaging } from '../sql/copy-into-staging.js';
import { getChallengeProgress } from '../sql/get-challenge-progress.js';
import { getProgress } from '../sql/get-progress.js';
import { getUserProgress } from '../sql/get-user-progress.js';
import { incrementProgress } from '../sql/increment-progress.js';
import { loadSourcePositions } from '../sql/load-source-positions.js';
import { markAsClaimed } from '../sql/mark-as-claimed.js';
import { upsertProgress } from '../sql/upsert-progress.js';
import { toUserGoalProgress } from '../sql/progress-row.js';
import { recordDeadLetters } from '../sql/record-dead-letters.js';
import type { StagingTable } from '../sql/staging-tables.js';
import { storeSourcePositions } from '../sql/store-source-positions.js';
import { insertFirstSourcePosition } from '../sql/insert-first-source-position.js';
import { moveSourcePosition } from '../sql/move-source-position.js';
import {
  checkKey,
  validateAbsoluteUpdates,
  validateDailyCompletions,
  validateDeadLetters,
  validateIncrement,
  validateIncrements,
  validateSourcePositions,
  validateUpsert,
  validateUpserts,
} from '../validation/validate-inputs.js';
import { checkBatch } from '../validation/input-checks.js';
import { toGoalError } from './to-goal-error.js';
import type { OpenTransaction } from './open-transaction.js';
import type { StatementScope } from './statement-scope.js';

/**
 * Batches of at least this many rows (after validation, before coalescing)
 * go through COPY into a session temp table and one merge statement; smaller
 * ones are one UNNEST statement. Measured on PostgreSQL 15 here (bench/
 * flush-batches.ts and the 1,000 / 10,000-row rows of run-bench.ts): see README.
 */
export const DEFAULT_COPY_THRESHOLD = 5_000;

export interface GoalOperationsOptions {
  /** See DEFAULT_COPY_THRESHOLD; applies to batchApplyAbsolute, batchIncrementProgress, batchCompleteDaily. */
  copyThreshold?: number;
}

/**
 * The GoalRepository methods, written once for both the repository and its
 * transactions; `scope` says where the statements run. Each method validates
 * everything first (no SQL for bad input), then runs its statements and turns
 * database failures into DatabaseError named after the method.
 */
export class GoalOperations {
  readonly #scope: StatementScope;
  readonly #copyThreshold: number;

  constructor(scope: StatementScope, options: GoalOperationsOptions = {}) {
    this.#scope = scope;
    this.#copyThreshold = options.copyThreshold ?? DEFAULT_COPY_THRESHOLD;
  }

  async getProgress(userId: string, goalId: string): Promise<UserGoalProgress | null> {
    checkKey('getProgress', { userId, goalId });
    const rows = await this.#run('getProgress', () => this.#scope.prisma((prisma) => getProgress(prisma, userId, goalId)));
    const row = rows[0];
    return row === undefined ? null : toUserGoalProgress(row);
  }

  async getUserProgress(userId: string): Promise<UserGoalProgress[]> {
    checkKey('getUserProgress', { userId });
    const rows = await this.#run('getUserProgress', () => this.#scope.prisma((prisma) => getUserProgress(prisma, userId)));
    return rows.map(toUserGoalProgress);
  }

  async getChallengeProgress(userId: string, challengeId: string): Promise<UserGoalProgress[]> {
    checkKey('getChallengeProgress', { userId, challengeId });
    const rows = await this.#run('getChallengeProgress', () =>
      this.#scope.prisma((prisma) => getChallengeProgress(prisma, userId, challengeId)),
    );
    return rows.map(toUserGoalProgress);
  }

  async upsertProgress(progress: ProgressUpsert): Promise<void> {
    validateUpsert('upsertProgress', progress);
    const p = progress;
    await this.#run('upsertProgress', () =>
      this.#scope.prisma((prisma) =>
        upsertProgress(prisma, {
          userId: p.userId,
          goalId: p.goalId,
          challengeId: p.challengeId,
          namespace: p.namespace,
          progress: p.progress,
          status: p.status,
          completedAt: iso(p.completedAt),
          claimedAt: iso(p.claimedAt ?? null),
        }),
      ),
    );
  }

  async batchUpsertProgress(progress: readonly ProgressUpsert[]): Promise<void> {
    validateUpserts('batchUpsertProgress', progress);
    if (progress.length === 0) return;
    const rounds = planRounds(progress, lastUpsertWins);
    await this.#run('batchUpsertProgress', () =>
      this.#inRounds(rounds, (db, round) => batchUpsertProgress(db, upsertColumns(round))),
    );
  }

  async batchUpsertProgressWithCopy(progress: readonly ProgressUpsert[]): Promise<void> {
    validateUpserts('batchUpsertProgressWithCopy', progress);
    if (progress.length === 0) return;
    const rounds = planRounds(progress, lastUpsertWins);
    await this.#run('batchUpsertProgressWithCopy', () =>
      this.#copyRounds(rounds, 'upsert', upsertCopyChunks, (client) => batchUpsertProgressFromStaging(client)),
    );
  }

  async incrementProgress(
    userId: string,
    goalId: string,
    challengeId: string,
    namespace: string,
    delta: number,
    targetValue: number,
    isDailyIncrement: boolean,
    at?: Date,
  ): Promise<void> {
    const increment = { userId, goalId, challengeId, namespace, delta, targetValue, isDailyIncrement, at };
    validateIncrement('incrementProgress', increment);
    await this.#run('incrementProgress', () =>
      this.#scope.prisma((prisma) =>
        incrementProgress(prisma, {
          userId,
          goalId,
          challengeId,
          namespace,
          delta,
          targetValue,
          daily: isDailyIncrement,
          at: iso(at ?? null),
        }),
      ),
    );
  }

  async batchIncrementProgress(increments: readonly ProgressIncrement[]): Promise<void> {
    validateIncrements('batchIncrementProgress', increments);
    if (increments.length === 0) return;
    const rounds = planRounds(increments, foldIncrements);
    await this.#run('batchIncrementProgress', () =>
      increments.length >= this.#copyThreshold
        ? this.#copyRounds(rounds, 'increment', incrementCopyChunks, (client, round) =>
            batchIncrementProgressFromStaging(client, incrementTargets(round)),
          )
        : this.#inRounds(rounds, (db, round) => batchIncrementProgress(db, incrementColumns(round), incrementTargets(round))),
    );
  }

  async batchApplyAbsolute(updates: readonly AbsoluteProgressUpdate[]): Promise<void> {
    validateAbsoluteUpdates('batchApplyAbsolute', updates);
    if (updates.length === 0) return;
    const rounds = planRounds(updates);
    await this.#run('batchApplyAbsolute', () =>
      updates.length >= this.#copyThreshold
        ? this.#copyRounds(rounds, 'absolute', absoluteCopyChunks, (client) => applyAbsoluteProgressFromStaging(client))
        : this.#inRounds(rounds, (db, round) => applyAbsoluteProgress(db, absoluteColumns(round))),
    );
  }

  async batchCompleteDaily(completions: readonly DailyCompletion[]): Promise<void> {
    validateDailyCompletions('batchCompleteDaily', completions);
    if (completions.length === 0) return;
    const rounds = planRounds(completions, foldSameDayCompletions);
    await this.#run('batchCompleteDaily', () =>
      completions.length >= this.#copyThreshold
        ? this.#copyRounds(rounds, 'daily', dailyCopyChunks, (client) => completeDailyGoalsFromStaging(client))
        : this.#inRounds(rounds, (db, round) => completeDailyGoals(db, dailyColumns(round))),
    );
  }

  async markAsClaimed(userId: string, goalId: string): Promise<Date> {
    checkKey('markAsClaimed', { userId, goalId });
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.#run('markAsClaimed', () => this.#scope.prisma((prisma) => markAsClaimed(prisma, userId, goalId)));
      if (outcome.claimed && outcome.claimedAt !== null) return new Date(outcome.claimedAt);
      const status = outcome.statusBefore;
      if (status === null) throw new GoalNotFoundError('markAsClaimed', userId, goalId);
      if (status === 'claimed') throw new GoalAlreadyClaimedError('markAsClaimed', userId, goalId);
      if (status !== 'completed') throw new GoalNotCompletedError('markAsClaimed', userId, goalId, status);
      // Completed in this statement's snapshot, yet not updated: another
      // transaction changed the row before this one got its lock (usually by
      // claiming it). Ask again once, with a fresh snapshot, to say which.
      if (attempt === 2) throw new GoalAlreadyClaimedError('markAsClaimed', userId, goalId);
    }
  }

  async storeSourcePositions(positions: readonly SourcePosition[]): Promise<void> {
    validateSourcePositions('storeSourcePositions', positions);
    if (positions.length === 0) return;
    // The last position given for a partition wins, as with one call per element.
    const latest = new Map<string, SourcePosition>();
    for (const p of positions) latest.set(`${p.source}\u0000${p.partition}`, p);
    const sorted = [...latest.values()].sort(
      (a, b) => compareText(a.source, b.source) || compareText(a.partition, b.partition),
    );
    await this.#run('storeSourcePositions', () =>
      this.#scope.raw((db) =>
        storeSourcePositions(db, {
          sources: sorted.map((p) => p.source),
          partitions: sorted.map((p) => p.partition),
          positions: sorted.map((p) => p.position.toString()),
        }),
      ),
    );
  }

  async loadSourcePositions(source: string): Promise<SourcePosition[]> {
    checkBatch('loadSourcePositions', [{ source }], (checks, row) => checks.id(row.source, 'source', 200));
    return this.#run('loadSourcePositions', () => this.#scope.prisma((prisma) => loadSourcePositions(prisma, source)));
  }

  async advanceSourcePosition(move: SourcePositionMove): Promise<void> {
    validateSourcePositions('advanceSourcePosition', [{ source: move?.source, partition: move?.partition, position: move?.to }]);
    if (move.from !== null && typeof move.from !== 'bigint') {
      throw new ValidationError('advanceSourcePosition', [{ path: 'from', message: 'must be a bigint or null' }]);
    }
    const moved = await this.#run('advanceSourcePosition', () =>
      this.#scope.raw((db) =>
        move.from === null
          ? insertFirstSourcePosition(db, move.source, move.partition, move.to.toString())
          : moveSourcePosition(db, move.source, move.partition, move.from.toString(), move.to.toString()),
      ),
    );
    if (moved) return;
    const stored = (await this.loadSourcePositions(move.source)).find((p) => p.partition === move.partition);
    throw new SourcePositionConflictError('advanceSourcePosition', move.source, move.partition, move.from, stored?.position ?? null);
  }

  async recordDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
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
    await this.#run('recordDeadLetters', () =>
      this.#scope.raw((db) =>
        recordDeadLetters(db, {
          sources: sorted.map((l) => l.source),
          partitions: sorted.map((l) => l.partition),
          positions: sorted.map((l) => l.position.toString()),
          goalIds: sorted.map((l) => l.goalId),
          eventIds: sorted.map((l) => l.eventId),
          payloads: sorted.map((l) => l.payload),
          reasons: sorted.map((l) => l.reason),
          errorCodes: sorted.map((l) => l.errorCode),
        }),
      ),
    );
  }

  /** One statement when every key is unique (the usual case); else the rounds in order, atomically. */
  #inRounds<T>(
    rounds: readonly (readonly T[])[],
    runRound: (db: Parameters<Parameters<StatementScope['raw']>[0]>[0], round: readonly T[]) => Promise<void>,
  ): Promise<void> {
    const [only] = rounds;
    if (rounds.length === 1 && only !== undefined) return this.#scope.raw((db) => runRound(db, only));
    return this.#scope.atomic(async (tx) => {
      for (const round of rounds) await runRound(tx.client, round);
    });
  }

  /** Each round: COPY into the kind's staging table (emptied first if this transaction used it), then one merge statement. */
  #copyRounds<T>(
    rounds: readonly (readonly T[])[],
    table: StagingTable,
    chunks: (round: readonly T[]) => Iterable<Buffer>,
    merge: (client: OpenTransaction['client'], round: readonly T[]) => Promise<void>,
  ): Promise<void> {
    return this.#scope.atomic(async (tx) => {
      for (const round of rounds) {
        await tx.prepareStaging(table);
        await copyIntoStaging(tx.client, table, chunks(round));
        await merge(tx.client, round);
      }
    });
  }

  async #run<T>(operation: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toGoalError(operation, error);
    }
  }
}

/**
 * Two upserts of one key: the later one overwrites everything the earlier one
 * wrote (defaults use the same transaction clock), unless the earlier one
 * claimed the record — then the later one must be ignored, so keep both.
 * The row keeps the first element's challenge and namespace, as it would.
 */
function lastUpsertWins(earlier: ProgressUpsert, later: ProgressUpsert): ProgressUpsert | undefined {
  if (earlier.status === 'claimed') return undefined;
  return { ...later, challengeId: earlier.challengeId, namespace: earlier.namespace };
}

/**
 * Consecutive increments of one key that provably equal one increment:
 * - regular ones with the same target and time add up (saturating: the
 *   status test is monotonic in progress, so completing after the first or
 *   the second gives the same status and the same completedAt);
 * - a daily one after a daily one of the same UTC day never counts.
 */
function foldIncrements(earlier: ProgressIncrement, later: ProgressIncrement): ProgressIncrement | undefined {
  const sameTime = earlier.at === undefined ? later.at === undefined : later.at !== undefined && earlier.at.getTime() === later.at.getTime();
  if (!earlier.isDailyIncrement && !later.isDailyIncrement && earlier.targetValue === later.targetValue && sameTime) {
    return { ...earlier, delta: Math.min(earlier.delta + later.delta, MAX_PROGRESS) };
  }
  const sameDay =
    earlier.at === undefined ? later.at === undefined : later.at !== undefined && utcDay(earlier.at) === utcDay(later.at);
  if (earlier.isDailyIncrement && later.isDailyIncrement && sameDay) return earlier;
  return undefined;
}

/** A second completion of one daily goal on the same UTC day changes nothing. */
function foldSameDayCompletions(earlier: DailyCompletion, later: DailyCompletion): DailyCompletion | undefined {
  return utcDay(earlier.at) === utcDay(later.at) ? earlier : undefined;
}

/** Timestamps travel as ISO 8601 with Z, so no session or process TimeZone can reinterpret them. */
function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
