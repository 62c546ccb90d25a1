/**
 * The error family of the GoalRepository port and the claim flow (the Go
 * original's ChallengeError): `@goals/domain`, `@goals/prisma-repo` and
 * `@goals/claims` throw only GoalErrors. Callers switch on `code`, which is
 * stable, or use `instanceof` on the subclasses for their typed fields;
 * messages are for humans. The errors a persistence adapter raises
 * (DatabaseError, DatabaseTimeoutError, TransactionClosedError, and the
 * ledger's SourcePositionConflictError / LeaseLostError) are declared in
 * `persistence-errors.ts` with the ports, so code written against a port
 * recognises them without importing the adapter.
 */
export const GOAL_ERROR_CODES = [
  'VALIDATION_FAILED',
  'GOAL_NOT_FOUND',
  'GOAL_NOT_COMPLETED',
  'GOAL_ALREADY_CLAIMED',
  'PREREQUISITES_NOT_MET',
  'REWARD_GRANT_FAILED',
  'REWARD_GRANT_RETRYABLE',
  'REWARD_GRANT_TIMEOUT',
  'TRANSACTION_CLOSED',
  'SOURCE_POSITION_CONFLICT',
  'LEASE_LOST',
  'PROGRESS_OVERFLOW',
  'DATABASE_ERROR',
  'DATABASE_TIMEOUT',
  'CATALOGUE_INVALID',
] as const;
export type GoalErrorCode = (typeof GOAL_ERROR_CODES)[number];

export class GoalError extends Error {
  readonly code: GoalErrorCode;
  /** The repository method or use-case that failed, e.g. `batchIncrementProgress`. */
  readonly operation: string;

  constructor(code: GoalErrorCode, operation: string, message: string, options?: { cause?: unknown }) {
    super(`${operation}: ${message}`, options);
    this.name = new.target.name;
    this.code = code;
    this.operation = operation;
  }
}

/** One problem with one input field; `path` points into the input (e.g. `[3].userId`). */
export interface ValidationIssue {
  path: string;
  message: string;
}

export class ValidationError extends GoalError {
  readonly issues: readonly ValidationIssue[];
  constructor(operation: string, issues: readonly ValidationIssue[]) {
    super('VALIDATION_FAILED', operation, issues.map((i) => `${i.path || '(input)'}: ${i.message}`).join('; '));
    this.issues = issues;
  }
}

export class GoalNotFoundError extends GoalError {
  constructor(operation: string, readonly userId: string, readonly goalId: string) {
    super('GOAL_NOT_FOUND', operation, `no progress for user ${JSON.stringify(userId)} on goal ${JSON.stringify(goalId)}`);
  }
}

export class GoalNotCompletedError extends GoalError {
  constructor(operation: string, readonly userId: string, readonly goalId: string, readonly status: string) {
    super('GOAL_NOT_COMPLETED', operation, `goal ${JSON.stringify(goalId)} of user ${JSON.stringify(userId)} is ${status}, not completed`);
  }
}

export class GoalAlreadyClaimedError extends GoalError {
  constructor(operation: string, readonly userId: string, readonly goalId: string) {
    super('GOAL_ALREADY_CLAIMED', operation, `goal ${JSON.stringify(goalId)} of user ${JSON.stringify(userId)} is already claimed`);
  }
}

export class PrerequisitesNotMetError extends GoalError {
  constructor(operation: string, readonly userId: string, readonly goalId: string, readonly missing: readonly string[]) {
    super('PREREQUISITES_NOT_MET', operation, `goal ${JSON.stringify(goalId)} needs ${missing.map((m) => JSON.stringify(m)).join(', ')} completed first`);
  }
}

/**
 * An increment would take progress past 2,147,483,647 (a PostgreSQL INT,
 * SPEC §2.5). Refused, not clamped: a sum that large is a bad event or a
 * bug, and saturating would hide it. Nothing was written (in a batch: nothing
 * of the batch). userId / goalId / progress are unknown (undefined) when the
 * database refused one row of a batch without saying which.
 */
export class ProgressOverflowError extends GoalError {
  readonly userId: string | undefined;
  readonly goalId: string | undefined;
  readonly progress: number | undefined;
  readonly delta: number | undefined;
  constructor(operation: string, at: { userId?: string; goalId?: string; progress?: number; delta?: number } = {}, options?: { cause?: unknown }) {
    const which =
      at.userId !== undefined && at.goalId !== undefined
        ? `progress of user ${JSON.stringify(at.userId)} on goal ${JSON.stringify(at.goalId)}${at.progress !== undefined ? ` (${at.progress})` : ''}${at.delta !== undefined ? ` + ${at.delta}` : ''}`
        : 'an increment of this batch';
    super('PROGRESS_OVERFLOW', operation, `${which} would pass 2147483647 (INT); refused, nothing was written`, options);
    this.userId = at.userId;
    this.goalId = at.goalId;
    this.progress = at.progress;
    this.delta = at.delta;
  }
}

export class CatalogueError extends GoalError {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super('CATALOGUE_INVALID', 'loadCatalogue', `${problems.length} problem(s):\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}
