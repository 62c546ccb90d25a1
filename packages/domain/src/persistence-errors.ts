import { GoalError, type GoalErrorCode } from './errors.js';

/**
 * A statement, checkout or commit of a repository failed in PostgreSQL or
 * on the way to it (code DATABASE_ERROR). The one DatabaseError of the
 * project; `sqlState` is typed, so callers test `instanceof DatabaseError`
 * and read it, never probe the object.
 */
export class DatabaseError extends GoalError {
  /** PostgreSQL SQLSTATE when the server sent one (e.g. `23514` check violation). */
  readonly sqlState: string | undefined;
  constructor(operation: string, cause: unknown, code: Extract<GoalErrorCode, 'DATABASE_ERROR' | 'DATABASE_TIMEOUT'> = 'DATABASE_ERROR', detailOverride?: string) {
    const sqlState = sqlStateOf(cause);
    const detail = detailOverride ?? (cause instanceof Error ? cause.message : String(cause));
    super(code, operation, sqlState ? `${detail} (SQLSTATE ${sqlState})` : detail, { cause });
    this.sqlState = sqlState;
  }
}

function sqlStateOf(cause: unknown): string | undefined {
  if (typeof cause === 'object' && cause !== null && 'code' in cause) {
    const code = (cause as { code: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/**
 * Which bound was hit (each has a default in createPool and a knob):
 * - `connect`: opening a connection, or waiting for a free one in a full pool
 *   (`connectionTimeoutMillis`; pg-pool reports both the same way);
 * - `statement`: the server cancelled a statement (`statement_timeout`);
 * - `lock`: the server gave up waiting for a lock (`lock_timeout`);
 * - `no-answer`: the server did not answer at all (`query_timeout`, the
 *   client-side bound for a peer that stopped answering);
 * - `idle-in-transaction`: the server ended a transaction left idle
 *   (`idle_in_transaction_session_timeout`).
 */
export type DatabaseTimeoutKind = 'connect' | 'statement' | 'lock' | 'no-answer' | 'idle-in-transaction';

/** A wait on the database hit its bound (code DATABASE_TIMEOUT); still a DatabaseError. Retrying later may succeed. */
export class DatabaseTimeoutError extends DatabaseError {
  constructor(
    operation: string,
    readonly timeout: DatabaseTimeoutKind,
    cause: unknown,
  ) {
    super(operation, cause, 'DATABASE_TIMEOUT', `${DESCRIPTION[timeout]}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

const DESCRIPTION: Record<DatabaseTimeoutKind, string> = {
  connect: 'no connection within connectionTimeoutMillis (the server is unreachable, or every pooled connection is in use)',
  statement: 'the statement ran longer than statement_timeout',
  lock: 'a lock was not granted within lock_timeout',
  'no-answer': 'the server did not answer within query_timeout (network stall or a stopped server)',
  'idle-in-transaction': 'the server ended a transaction left idle longer than idle_in_transaction_session_timeout',
};

/** A call on a TxRepository that was already committed or rolled back (or is being finished). */
export class TransactionClosedError extends GoalError {
  constructor(operation: string, state: string) {
    super('TRANSACTION_CLOSED', operation, `the transaction is ${state}; start a new one with beginTx()`);
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
