import { DatabaseSetupError } from './database-setup-error.js';

/** The migrations directory is missing, unreadable or has a folder without migration.sql. */
export class MigrationsDirectoryError extends DatabaseSetupError {
  readonly code = 'MIGRATIONS_DIRECTORY_INVALID';

  constructor(
    readonly migrationsDir: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot read migrations from ${migrationsDir}: ${reason}`, options);
  }
}
