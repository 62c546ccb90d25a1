import { GoalError, type GoalErrorCode } from '@goals/domain';

/**
 * A statement, checkout or commit of the repository failed in PostgreSQL or
 * on the way to it. The one DatabaseError of the project: in the domain's
 * error family (code DATABASE_ERROR), defined here because only the
 * persistence side knows SQLSTATEs.
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
