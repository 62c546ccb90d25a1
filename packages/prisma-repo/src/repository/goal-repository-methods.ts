import type { UserGoalProgress } from '@goals/domain';
import type {
  AbsoluteProgressUpdate,
  DailyCompletion,
  DeadLetter,
  GoalRepository,
  ProgressIncrement,
  ProgressUpsert,
  SourcePosition,
  SourcePositionMove,
  TxRepository,
} from '@goals/domain';
import type { GoalOperations } from './goal-operations.js';

/**
 * The data methods of GoalRepository, forwarded to GoalOperations through
 * `use`, where the repository and a transaction differ (a transaction refuses
 * calls once finished and remembers failures).
 */
export abstract class GoalRepositoryMethods implements Omit<GoalRepository, 'beginTx' | 'withTransaction' | 'close'> {
  protected abstract use<T>(operation: string, work: (operations: GoalOperations) => Promise<T>): Promise<T>;

  abstract beginTx(): Promise<TxRepository>;

  getProgress(userId: string, goalId: string): Promise<UserGoalProgress | null> {
    return this.use('getProgress', (o) => o.getProgress(userId, goalId));
  }

  getUserProgress(userId: string): Promise<UserGoalProgress[]> {
    return this.use('getUserProgress', (o) => o.getUserProgress(userId));
  }

  getChallengeProgress(userId: string, challengeId: string): Promise<UserGoalProgress[]> {
    return this.use('getChallengeProgress', (o) => o.getChallengeProgress(userId, challengeId));
  }

  upsertProgress(progress: ProgressUpsert): Promise<void> {
    return this.use('upsertProgress', (o) => o.upsertProgress(progress));
  }

  batchUpsertProgress(progress: readonly ProgressUpsert[]): Promise<void> {
    return this.use('batchUpsertProgress', (o) => o.batchUpsertProgress(progress));
  }

  batchUpsertProgressWithCopy(progress: readonly ProgressUpsert[]): Promise<void> {
    return this.use('batchUpsertProgressWithCopy', (o) => o.batchUpsertProgressWithCopy(progress));
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
    return this.use('incrementProgress', (o) =>
      o.incrementProgress(userId, goalId, challengeId, namespace, delta, targetValue, isDailyIncrement, at),
    );
  }

  batchIncrementProgress(increments: readonly ProgressIncrement[]): Promise<void> {
    return this.use('batchIncrementProgress', (o) => o.batchIncrementProgress(increments));
  }

  batchApplyAbsolute(updates: readonly AbsoluteProgressUpdate[]): Promise<void> {
    return this.use('batchApplyAbsolute', (o) => o.batchApplyAbsolute(updates));
  }

  batchCompleteDaily(completions: readonly DailyCompletion[]): Promise<void> {
    return this.use('batchCompleteDaily', (o) => o.batchCompleteDaily(completions));
  }

  markAsClaimed(userId: string, goalId: string): Promise<Date> {
    return this.use('markAsClaimed', (o) => o.markAsClaimed(userId, goalId));
  }

  storeSourcePositions(positions: readonly SourcePosition[]): Promise<void> {
    return this.use('storeSourcePositions', (o) => o.storeSourcePositions(positions));
  }

  loadSourcePositions(source: string): Promise<SourcePosition[]> {
    return this.use('loadSourcePositions', (o) => o.loadSourcePositions(source));
  }

  advanceSourcePosition(move: SourcePositionMove): Promise<void> {
    return this.use('advanceSourcePosition', (o) => o.advanceSourcePosition(move));
  }

  recordDeadLetters(letters: readonly DeadLetter[]): Promise<void> {
    return this.use('recordDeadLetters', (o) => o.recordDeadLetters(letters));
  }
}
