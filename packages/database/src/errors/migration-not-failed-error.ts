import { DatabaseSetupError } from './database-setup-error.js';

/** `resolveMigration` was asked to resolve a migration that has no unresolved failed row. */
export class MigrationNotFailedError extends DatabaseSetupError {
  readonly code = 'MIGRATION_NOT_FAILED';

  constructor(readonly migrationName: string) {
    super(`Migration ${migrationName} has no unresolved failure in _prisma_migrations; nothing to resolve`);
  }
}
