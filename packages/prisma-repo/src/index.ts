export { createGoalRepository } from './create-goal-repository.js';
export { PostgresGoalRepository, type CreateGoalRepositoryOptions } from './repository/postgres-goal-repository.js';
export type {
  GoalRepository,
  TxRepository,
  ProgressUpsert,
  ProgressIncrement,
  AbsoluteProgressUpdate,
  DailyCompletion,
  SourcePosition,
  SourcePositionMove,
  LeaseFence,
  DeadLetter,
} from '@goals/domain';
export { DatabaseError } from './errors/database-error.js';
export { DatabaseTimeoutError, type DatabaseTimeoutKind } from './errors/database-timeout-error.js';
export { createPool, DEFAULT_DATABASE_TIMEOUTS, type DatabaseTimeouts } from './connection/create-pool.js';
export { TransactionClosedError } from './errors/transaction-closed-error.js';
export { COPY_NULL, escapeCopyText } from './copy/copy-text.js';
