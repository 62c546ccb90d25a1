import { DatabaseSetupError } from './database-setup-error.js';

/** A migration's SQL failed; its transaction rolled back and _prisma_migrations keeps a failed row. */
export class MigrationFailedError extends DatabaseSetupError {
  readonly code = 'MIGRATION_FAILED';

  constructor(
    readonly migrationName: string,
    readonly migrationFile: string,
    readonly databaseError: string,
    options?: { cause?: unknown },
  ) {
    super(`Migration ${migrationName} failed (${migrationFile}): ${databaseError}`, options);
  }
}
