import { DatabaseSetupError } from './database-setup-error.js';

/**
 * Like Prisma's P3009: a migration failed earlier and nobody resolved it, so
 * the database is in an unknown state and no further migration may run.
 */
export class PreviousMigrationFailedError extends DatabaseSetupError {
  readonly code = 'MIGRATION_PREVIOUSLY_FAILED';

  constructor(
    readonly migrationName: string,
    readonly startedAt: Date,
    readonly logs: string | null,
  ) {
    super(
      `Migration ${migrationName} started at ${startedAt.toISOString()} failed and is unresolved; ` +
        `no migration will run. Fix the database by hand, then mark it rolled back ` +
        `(UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = '${migrationName}' AND finished_at IS NULL) ` +
        `or run \`prisma migrate resolve\`.`,
    );
  }
}
