import { DatabaseError, GoalError } from '@goals/domain';

/**
 * How the flusher reacts to a failed write:
 * - `data`: the database refused some record (SQLSTATE class 22 data
 *   exception or 23 integrity violation, the repository's own validation, or
 *   an increment past the INT maximum).
 *   Retrying cannot help; the batch is split to isolate the offender.
 * - `transient`: any other database failure (connection lost, server
 *   restarting, serialization failure, a missing table after a bad deploy).
 *   The whole flush is retried with backoff; reading stays paused.
 * - `fatal`: not a database failure at all (a bug, a position conflict that
 *   is not our own lost commit, a lease lost to another worker). Retrying would loop forever; the worker
 *   stops without committing, and a restart replays from the stored position.
 */
export type WriteFailureKind = 'data' | 'transient' | 'fatal';

export function classifyWriteFailure(error: unknown): WriteFailureKind {
  if (!(error instanceof GoalError)) return 'fatal';
  if (error.code === 'VALIDATION_FAILED' || error.code === 'PROGRESS_OVERFLOW') return 'data';
  if (error.code === 'SOURCE_POSITION_CONFLICT') return 'fatal';
  // the partition was taken over: no retry can commit; the partitioned worker drops its buffered work
  if (error.code === 'LEASE_LOST') return 'fatal';
  const sqlState = error instanceof DatabaseError ? error.sqlState : undefined;
  if (sqlState !== undefined && (sqlState.startsWith('22') || sqlState.startsWith('23'))) return 'data';
  return 'transient';
}

/** A flush that must not be retried; the worker stops. */
export class FatalFlushError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'FatalFlushError';
  }
}
