/**
 * The one error family of the goals packages (the Go original's ChallengeError).
 * Callers switch on `code`, which is stable; messages are for humans.
 * TRANSACTION_CLOSED, DATABASE_ERROR and DATABASE_TIMEOUT belong to the persistence side: their
 * classes (TransactionClosedError, DatabaseError with the SQLSTATE, DatabaseTimeoutError) are
 * defined by `@goals/prisma-repo`, the adapter of the GoalRepository port.
 */
export const GOAL_ERROR_CODES = [
  'VALIDATION_FAILED',
  'GOAL_NOT_FOUND',
  'GOAL_NOT_COMPLETED',
  'GOAL_ALREADY_CLAIMED',
  'PREREQUISITES_NOT_MET',
  'REWARD_GRANT_FAILED',
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
 * A source position moved from a value other than the one the caller last
 * committed: either its own earlier commit did land (its reply was lost), or
 * another process is consuming the same source. `actual` tells which.
 */
export class SourcePositionConflictError extends GoalError {
  constructor(
    operation: string,
    readonly source: string,
    readonly partition: string,
    readonly expected: bigint | null,
    readonly actual: bigint | null,
  ) {
    super(
      'SOURCE_POSITION_CONFLICT',
      operation,
      `position of ${JSON.stringify(source)} partition ${JSON.stringify(partition)} is ${actual ?? 'unset'}, expected ${expected ?? 'unset'}: another consumer of this source, or an earlier commit whose reply was lost`,
    );
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

/**
 * A fenced write refused: the partition's lease row no longer names the
 * writer with the epoch it acquired (another worker took the partition over
 * while this one was paused or cut off). Nothing of the transaction commits.
 */
export class LeaseLostError extends GoalError {
  constructor(
    operation: string,
    readonly source: string,
    readonly partition: string,
    readonly expected: { owner: string; epoch: bigint },
    readonly actual: { owner: string | null; epoch: bigint } | null,
  ) {
    super(
      'LEASE_LOST',
      operation,
      `lease of ${JSON.stringify(source)} partition ${JSON.stringify(partition)} is ${actual === null ? 'missing' : `held by ${JSON.stringify(actual.owner)} at epoch ${actual.epoch}`}, not by ${JSON.stringify(expected.owner)} at epoch ${expected.epoch}: the partition was taken over`,
    );
  }
}
