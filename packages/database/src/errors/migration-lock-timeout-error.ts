import { DatabaseSetupError } from './database-setup-error.js';

/** Another process held Prisma's migration advisory lock for longer than we were willing to wait. */
export class MigrationLockTimeoutError extends DatabaseSetupError {
  readonly code = 'MIGRATION_LOCK_TIMEOUT';

  constructor(readonly waitedMs: number, options?: { cause?: unknown }) {
    super(
      `Timed out after ${waitedMs} ms waiting for the migration advisory lock (pg_advisory_lock(72707369)); ` +
        `another migration is running or a crashed session still holds it (see pg_locks).`,
      options,
    );
  }
}
