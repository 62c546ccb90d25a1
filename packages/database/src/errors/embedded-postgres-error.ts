import { DatabaseSetupError } from './database-setup-error.js';

/** initdb or the postgres server of the embedded cluster failed. */
export class EmbeddedPostgresError extends DatabaseSetupError {
  readonly code = 'EMBEDDED_POSTGRES_FAILED';

  constructor(
    readonly dataDir: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Embedded PostgreSQL (data ${dataDir}) failed: ${reason}`, options);
  }
}
