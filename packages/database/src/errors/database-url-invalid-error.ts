import { DatabaseSetupError } from './database-setup-error.js';

/** The connection string does not parse; the message says why, with every credential masked. */
export class DatabaseUrlInvalidError extends DatabaseSetupError {
  readonly code = 'DATABASE_URL_INVALID';

  constructor(readonly explanation: string) {
    super(explanation);
  }
}
