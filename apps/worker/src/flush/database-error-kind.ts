import { GoalError } from '@goals/domain';

/**
 * How the flusher reacts to a failed write:
 * - `data`: the database refused some record (SQLSTATE class 22 data
 *   exception or 23 integrity violation, or the repository's own validation).
 *   Retrying cannot help; the batch is split to isolate the offender.
 * - `transient`: anything else (connection lost, server restarting,
 *   serialization failure, a missing table after a bad deploy). The whole
 *   flush is retried with backoff; reading stays paused, nothing is lost.
 */
export type WriteFailureKind = 'data' | 'transient';

export function classifyWriteFailure(error: unknown): WriteFailureKind {
  if (error instanceof GoalError) {
    if (error.code === 'VALIDATION_FAILED') return 'data';
    const sqlState = 'sqlState' in error && typeof error.sqlState === 'string' ? error.sqlState : undefined;
    if (sqlState !== undefined && (sqlState.startsWith('22') || sqlState.startsWith('23'))) return 'data';
  }
  return 'transient';
}
