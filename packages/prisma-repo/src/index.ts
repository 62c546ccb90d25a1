export { createGoalRepository } from './create-goal-repository.js';
export { PostgresGoalRepository, type CreateGoalRepositoryOptions } from './repository/postgres-goal-repository.js';
export type {
  GoalRepository,
  TxRepository,
  ProgressUpsert,
  ProgressIncrement,
  AbsoluteProgressUpdate,
  DailyCompletion,
  SourceLedger,
  LedgerTransaction,
  LedgeredGoalRepository,
  SourcePosition,
  SourcePositionMove,
  LeaseFence,
  DeadLetter,
  DatabaseTimeoutKind,
} from '@goals/domain';
// The port's persistence errors, declared in @goals/domain so code written
// against the port recognises them; re-exported for callers of the adapter.
export { DatabaseError, DatabaseTimeoutError, TransactionClosedError, SourcePositionConflictError, LeaseLostError } from '@goals/domain';
export { createPool, DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from './connection/create-pool.js';
export { COPY_NULL, escapeCopyText } from './copy/copy-text.js';
