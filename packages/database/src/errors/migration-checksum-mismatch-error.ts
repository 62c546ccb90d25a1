import { DatabaseSetupError } from './database-setup-error.js';

/** An already-applied migration.sql was edited afterwards; applying anything on top would hide the drift. */
export class MigrationChecksumMismatchError extends DatabaseSetupError {
  readonly code = 'MIGRATION_CHECKSUM_MISMATCH';

  constructor(
    readonly migrationName: string,
    readonly migrationFile: string,
    readonly fileChecksum: string,
    readonly recordedChecksum: string,
  ) {
    super(
      `Applied migration ${migrationName} was edited after it was applied: ${migrationFile} ` +
        `has sha256 ${fileChecksum} but _prisma_migrations recorded ${recordedChecksum}. ` +
        `Migrations are append-only: restore the file and put the change in a new migration folder.`,
    );
  }
}
