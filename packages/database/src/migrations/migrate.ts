import pg from 'pg';
import { MigrationChecksumMismatchError } from '../errors/migration-checksum-mismatch-error.js';
import { MigrationFailedError } from '../errors/migration-failed-error.js';
import { MigrationLockTimeoutError } from '../errors/migration-lock-timeout-error.js';
import { PreviousMigrationFailedError } from '../errors/previous-migration-failed-error.js';
import { defaultMigrationsDir } from '../repository-paths.js';
import { describeSqlError, formatMigrationFailureLogs } from './describe-sql-error.js';
import { readMigrationFiles, type MigrationFile } from './migration-file.js';
import { createMigrationsTableIfMissing } from './sql/create-migrations-table.js';
import { listMigrationRecords, type MigrationRecord } from './sql/list-migration-records.js';
import { acquireMigrationLock, releaseMigrationLock } from './sql/migration-advisory-lock.js';
import { recordMigrationFailed } from './sql/record-migration-failed.js';
import { recordMigrationFinished } from './sql/record-migration-finished.js';
import { recordMigrationStarted } from './sql/record-migration-started.js';

export interface MigrateOptions {
  /** Folder of `<name>/migration.sql` folders; defaults to the monorepo's `prisma/migrations`. */
  readonly migrationsDir?: string;
  /** How long to wait for another process's migration run; Prisma waits 10 s. */
  readonly lockTimeoutMs?: number;
  readonly log?: (line: string) => void;
}

export interface MigrationReport {
  /** Folder names applied by this run, in order. */
  readonly applied: string[];
  /** Folder names found already applied. */
  readonly alreadyApplied: string[];
}

const LOCK_NOT_AVAILABLE = '55P03';

/**
 * Applies pending migrations the way `prisma migrate deploy` does, without
 * Prisma's native schema engine (which cannot be downloaded offline):
 *
 * 1. lock: Prisma's advisory lock, on one dedicated connection for the whole
 *    run, so concurrent runs (ours or Prisma's) apply each migration once;
 * 2. check: refuse if an earlier migration failed unresolved (P3009) or an
 *    applied migration.sql no longer matches its recorded checksum;
 * 3. apply, per pending folder in name order, in ONE transaction: insert the
 *    `_prisma_migrations` row, run the whole file as one simple-protocol
 *    query, set finished_at and applied_steps_count = 1, COMMIT. A process
 *    killed at any instant therefore leaves either the applied migration with
 *    its finished row, or nothing at all — never an unfinished row that the
 *    next start would take for a failure (Prisma writes the row first, so a
 *    kill there locks every later deploy out). When the SQL fails, the
 *    transaction rolls back and a failed row (finished_at NULL, the error in
 *    `logs`) is written on its own, as Prisma does; `resolveMigration`
 *    (`pnpm db:migrate --resolve-rolled-back <name>`) clears it.
 *
 * The session also sets `client_connection_check_interval` (PostgreSQL 14+):
 * a backend whose client was killed mid-migration notices within a second
 * and rolls back, instead of holding the migration lock until its statement
 * ends.
 */
export async function migrate(target: string | pg.Pool, options: MigrateOptions = {}): Promise<MigrationReport> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  const log = options.log ?? (() => {});
  const migrations = await readMigrationFiles(migrationsDir);

  const connection = await openDedicatedConnection(target);
  try {
    await acquireLock(connection.client, options.lockTimeoutMs ?? 10_000);
    const report = await applyPendingMigrations(connection.client, migrations, log);
    await releaseMigrationLock(connection.client);
    await connection.close(false);
    return report;
  } catch (error) {
    // Closing a broken session also drops its advisory lock. The error worth
    // reporting is the one that broke the run, not a failure to close after it.
    await connection.close(true).catch(() => {});
    throw error;
  }
}

async function applyPendingMigrations(
  client: pg.ClientBase,
  migrations: readonly MigrationFile[],
  log: (line: string) => void,
): Promise<MigrationReport> {
  await createMigrationsTableIfMissing(client);
  const records = await listMigrationRecords(client);
  refuseUnresolvedFailure(records);
  const applied = appliedMigrationNames(records, migrations);

  const report: MigrationReport = { applied: [], alreadyApplied: [] };
  for (const migration of migrations) {
    if (applied.has(migration.name)) {
      report.alreadyApplied.push(migration.name);
      continue;
    }
    log(`applying migration ${migration.name}`);
    await applyMigration(client, migration);
    report.applied.push(migration.name);
  }
  return report;
}

async function acquireLock(client: pg.ClientBase, timeoutMs: number): Promise<void> {
  try {
    await acquireMigrationLock(client, timeoutMs);
  } catch (error) {
    if (error instanceof pg.DatabaseError && error.code === LOCK_NOT_AVAILABLE) {
      throw new MigrationLockTimeoutError(timeoutMs, { cause: error });
    }
    throw error;
  }
}

function refuseUnresolvedFailure(records: readonly MigrationRecord[]): void {
  const failed = records.find((record) => record.finishedAt === null && record.rolledBackAt === null);
  if (failed) throw new PreviousMigrationFailedError(failed.migrationName, failed.startedAt, failed.logs);
}

/** Rolled-back rows do not count: Prisma re-applies a migration whose only rows were rolled back. */
function appliedMigrationNames(records: readonly MigrationRecord[], migrations: readonly MigrationFile[]): Set<string> {
  const files = new Map(migrations.map((migration) => [migration.name, migration]));
  const applied = new Set<string>();
  for (const record of records) {
    if (record.finishedAt === null || record.rolledBackAt !== null) continue;
    applied.add(record.migrationName);
    // A record without a local folder is a migration from a newer checkout; like
    // `prisma migrate deploy` we leave it alone rather than fail.
    const file = files.get(record.migrationName);
    if (file && file.checksum !== record.checksum) {
      throw new MigrationChecksumMismatchError(file.name, file.path, file.checksum, record.checksum);
    }
  }
  return applied;
}

async function applyMigration(client: pg.ClientBase, migration: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  let id: string;
  try {
    id = await recordMigrationStarted(client, migration.name, migration.checksum);
    // No parameters: pg then uses the simple query protocol, which accepts
    // many statements in one string (run inside the transaction begun above).
    await client.query(migration.sql);
    await recordMigrationFinished(client, id);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    // the row of a real failure is written after the rollback, on its own: that is what tells the next run (and Prisma) it failed
    await recordMigrationFailed(client, migration.name, migration.checksum, formatMigrationFailureLogs(migration.name, error));
    throw new MigrationFailedError(migration.name, migration.path, describeSqlError(error), { cause: error });
  }
}

/** PostgreSQL 14+ only; older servers keep the default (a killed client is noticed when the statement ends). */
async function detectLostClient(client: pg.ClientBase): Promise<void> {
  await client.query(`SELECT set_config('client_connection_check_interval', '1s', false) WHERE current_setting('server_version_num')::int >= 140000`);
}

interface DedicatedConnection {
  readonly client: pg.ClientBase;
  close(broken: boolean): Promise<void>;
}

async function openDedicatedConnection(target: string | pg.Pool): Promise<DedicatedConnection> {
  if (typeof target !== 'string') {
    const client = await target.connect();
    await detectLostClient(client);
    // A broken run returns its connection destroyed, so a half-finished session
    // (open transaction, advisory lock) never goes back into the caller's pool.
    return { client, close: async (broken) => client.release(broken) };
  }
  const client = new pg.Client({ connectionString: target });
  // Without a listener a server-side disconnect while idle would crash the
  // process; the next query reports the failure instead.
  client.on('error', () => {});
  await client.connect();
  await detectLostClient(client);
  return { client, close: () => client.end() };
}
