import pg from 'pg';
import { MigrationNotFailedError } from '../errors/migration-not-failed-error.js';
import { MigrationsDirectoryError } from '../errors/migrations-directory-error.js';
import { defaultMigrationsDir } from '../repository-paths.js';
import { readMigrationFiles } from './migration-file.js';
import { markMigrationRolledBack } from './sql/mark-migration-rolled-back.js';
import { acquireMigrationLock, releaseMigrationLock } from './sql/migration-advisory-lock.js';
import { recordMigrationFinished } from './sql/record-migration-finished.js';
import { recordMigrationStarted } from './sql/record-migration-started.js';

export type MigrationResolution = 'rolled-back' | 'applied';

/**
 * `prisma migrate resolve` without the engine: after a failed migration,
 * - `rolled-back`: its changes are not in the database; the next migrate
 *   applies it again (the failed row stays, marked rolled_back_at);
 * - `applied`: someone completed it by hand; it is recorded as applied with
 *   the checksum of its migration.sql, and the next migrate goes on after it.
 * Under the migration lock, in one transaction.
 */
export async function resolveMigration(url: string, migrationName: string, resolution: MigrationResolution, options: { migrationsDir?: string } = {}): Promise<void> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const migrations = await readMigrationFiles(migrationsDir);
  const migration = migrations.find((m) => m.name === migrationName);
  if (resolution === 'applied' && migration === undefined) {
    throw new MigrationsDirectoryError(migrationsDir, `no folder ${migrationName} with a migration.sql to record as applied`);
  }
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    await acquireMigrationLock(client, 10_000);
    await client.query('BEGIN');
    try {
      if ((await markMigrationRolledBack(client, migrationName)) === 0) throw new MigrationNotFailedError(migrationName);
      if (resolution === 'applied' && migration !== undefined) {
        await recordMigrationFinished(client, await recordMigrationStarted(client, migration.name, migration.checksum));
      }
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
    await releaseMigrationLock(client);
  } finally {
    await client.end();
  }
}
