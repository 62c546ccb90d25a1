import { DatabaseSetupError } from './database-setup-error.js';

/** Connecting to a configured PostgreSQL failed; the message names the URL (password masked) and why. */
export class DatabaseUnreachableError extends DatabaseSetupError {
  readonly code = 'DATABASE_UNREACHABLE';

  constructor(
    readonly maskedUrl: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot connect to PostgreSQL at ${maskedUrl}: ${reason}`, options);
  }
}
