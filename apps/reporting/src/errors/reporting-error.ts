/**
 * The reporting app's error family. `code` is stable (clients switch on it);
 * `statusCode` is the HTTP answer; messages are for humans.
 */
export const REPORTING_ERROR_CODES = [
  'INVALID_PARAMETER',
  'BAD_REQUEST',
  'NOT_FOUND',
  'CHALLENGE_NOT_FOUND',
  'GOAL_NOT_FOUND',
  'PLAYER_NOT_FOUND',
  'NOT_ACCEPTABLE',
  'DATABASE_UNAVAILABLE',
  'INTERNAL_ERROR',
  'CONFIG_INVALID',
  'CATALOGUE_INVALID',
  'REFRESH_FAILED',
] as const;
export type ReportingErrorCode = (typeof REPORTING_ERROR_CODES)[number];

export class ReportingError extends Error {
  readonly code: ReportingErrorCode;
  readonly statusCode: number;

  constructor(code: ReportingErrorCode, statusCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.statusCode = statusCode;
  }
}

/** 400: one query or path parameter is wrong; `parameter` names it. */
export class InvalidParameterError extends ReportingError {
  constructor(readonly parameter: string, message: string) {
    super('INVALID_PARAMETER', 400, `${parameter}: ${message}`);
  }
}

/** 404 for a challenge, goal or player the catalogue or the database does not know. */
export class NotFoundError extends ReportingError {
  constructor(code: 'NOT_FOUND' | 'CHALLENGE_NOT_FOUND' | 'GOAL_NOT_FOUND' | 'PLAYER_NOT_FOUND', message: string) {
    super(code, 404, message);
  }
}

/** Start-up problems: bad flags or environment (exit code 2). */
export class ConfigError extends ReportingError {
  constructor(message: string) {
    super('CONFIG_INVALID', 2, message);
  }
}
