import { createHash } from 'node:crypto';
import { appendFile, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MigrationChecksumMismatchError,
  MigrationFailedError,
  MigrationLockTimeoutError,
  MigrationsDirectoryError,
  PreviousMigrationFailedError,
  migrate,
} from '../src/index.js';
import { defaultMigrationsDir } from '../src/repository-paths.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';
import { addMigration, copyOfRepositoryMigrations } from './support/migrations-copy.js';

const INIT = '20261127000000_init';
const WORKER_STATE = '20261127000100_worker_state';
const WORKER_IDENTITY = '20261201000000_worker_identity';
const REPORTING = '20261201210000_reporting';
const PARTITION_LEASES = '20261201220000_partition_leases';

interface MigrationRow {
  id: string;
  checksum: string;
  migration_name: string;
  logs: string | null;
  started_at: Date;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

let database: TestDatabase;
let pool: pg.Pool;

beforeEach(async () => {
  database = await createTestDatabase({ migrated: false });
  pool = new pg.Pool({ connectionString: database.url });
  // drop() terminates what is still connected (pool.end() may not have finished closing): not an unhandled error
  pool.on('error', () => {});
});

afterEach(async () => {
  await pool.end();
  await database.drop();
});

async function migrationRows(): Promise<MigrationRow[]> {
  const { rows } = await pool.query<MigrationRow>(`SELECT * FROM _prisma_migrations ORDER BY started_at, migration_name`);
  return rows;
}

async function sha256Of(file: string): Promise<string> {
  return createHash('sha256').update(await readFile(file)).digest('hex');
}

async function tableExists(name: string): Promise<boolean> {
  const { rows } = await pool.query<{ exists: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS "exists"`, [name]);
  return rows[0]?.exists === true;
}

describe('migrate', () => {
  it('applies every folder of prisma/migrations in name order and records them as prisma migrate deploy does', async () => {
    const report = await migrate(database.url);

    expect(report).toEqual({ applied: [INIT, WORKER_STATE, WORKER_IDENTITY, REPORTING, PARTITION_LEASES], alreadyApplied: [] });
    const rows = await migrationRows();
    expect(rows.map((row) => row.migration_name)).toEqual([INIT, WORKER_STATE, WORKER_IDENTITY, REPORTING, PARTITION_LEASES]);
    for (const row of rows) {
      expect(row.checksum).toBe(await sha256Of(path.join(defaultMigrationsDir(), row.migration_name, 'migration.sql')));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.applied_steps_count).toBe(1);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at?.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.logs).toBeNull();
      expect(row.rolled_back_at).toBeNull();
    }
    for (const table of ['user_goal_progress', 'source_positions', 'dead_letters', 'partition_leases', 'worker_heartbeats']) {
      expect(await tableExists(table)).toBe(true);
    }
  });

  it("creates _prisma_migrations with Prisma's exact column types", async () => {
    await migrate(database.url);
    const { rows } = await pool.query(
      `SELECT column_name, data_type, character_maximum_length AS length, is_nullable, column_default
         FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
    );
    expect(rows).toEqual([
      { column_name: 'id', data_type: 'character varying', length: 36, is_nullable: 'NO', column_default: null },
      { column_name: 'checksum', data_type: 'character varying', length: 64, is_nullable: 'NO', column_default: null },
      { column_name: 'finished_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'migration_name', data_type: 'character varying', length: 255, is_nullable: 'NO', column_default: null },
      { column_name: 'logs', data_type: 'text', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'rolled_back_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'YES', column_default: null },
      { column_name: 'started_at', data_type: 'timestamp with time zone', length: null, is_nullable: 'NO', column_default: 'now()' },
      { column_name: 'applied_steps_count', data_type: 'integer', length: null, is_nullable: 'NO', column_default: '0' },
    ]);
  });

  it('is idempotent: a second run applies nothing and writes no rows', async () => {
    await migrate(database.url);
    const before = await migrationRows();

    const report = await migrate(database.url);

    expect(report).toEqual({ applied: [], alreadyApplied: [INIT, WORKER_STATE, WORKER_IDENTITY, REPORTING, PARTITION_LEASES] });
    expect(await migrationRows()).toEqual(before);
  });

  it('applies each migration exactly once when two runs race', async () => {
    const reports = await Promise.all([migrate(database.url), migrate(database.url)]);

    expect(reports.flatMap((report) => report.applied).sort()).toEqual([INIT, WORKER_STATE, WORKER_IDENTITY, REPORTING, PARTITION_LEASES]);
    expect(reports.flatMap((report) => report.alreadyApplied).sort()).toEqual([INIT, WORKER_STATE, WORKER_IDENTITY, REPORTING, PARTITION_LEASES]);
    expect((await migrationRows()).map((row) => row.migration_name)).toEqual([INIT, WORKER_STATE, WORKER_IDENTITY, REPORTING, PARTITION_LEASES]);
  });

  it("accepts a pg.Pool and returns the connection to it", async () => {
    const report = await migrate(pool);

    expect(report.applied).toEqual([INIT, WORKER_STATE, WORKER_IDENTITY, REPORTING, PARTITION_LEASES]);
    expect(pool.totalCount).toBe(pool.idleCount);
    await expect(pool.query('SELECT count(*) FROM user_goal_progress')).resolves.toBeDefined();
  });

  it('applies only the new folder once earlier ones are applied', async () => {
    const migrationsDir = await copyOfRepositoryMigrations();
    await migrate(database.url, { migrationsDir });
    await addMigration(migrationsDir, '20261230000000_add_note', 'ALTER TABLE "dead_letters" ADD COLUMN "note" TEXT;\n');

    const report = await migrate(database.url, { migrationsDir });

    expect(report).toEqual({ applied: ['20261230000000_add_note'], alreadyApplied: [INIT, WORKER_STATE, WORKER_IDENTITY, REPORTING, PARTITION_LEASES] });
  });

  it('refuses to run when an applied migration.sql was edited, naming the folder and the file', async () => {
    const migrationsDir = await copyOfRepositoryMigrations();
    await migrate(database.url, { migrationsDir });
    const edited = path.join(migrationsDir, INIT, 'migration.sql');
    await appendFile(edited, '\n-- an innocent-looking comment\n');
    await addMigration(migrationsDir, '20261230000000_add_note', 'ALTER TABLE "dead_letters" ADD COLUMN "note" TEXT;\n');

    const error = await migrate(database.url, { migrationsDir }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(MigrationChecksumMismatchError);
    expect(error).toMatchObject({ code: 'MIGRATION_CHECKSUM_MISMATCH', migrationName: INIT, migrationFile: edited });
    expect((error as Error).message).toContain(INIT);
    expect((error as Error).message).toContain(edited);
    expect((await migrationRows()).map((row) => row.migration_name)).toEqual([INIT, WORKER_STATE, WORKER_IDENTITY, REPORTING, PARTITION_LEASES]);
  });

  describe('when a migration fails', () => {
    const BROKEN = '20261230000000_broken';

    async function runBrokenMigration(): Promise<{ migrationsDir: string; error: unknown }> {
      const migrationsDir = await copyOfRepositoryMigrations();
      // The first statement succeeds; the implicit transaction must undo it.
      await addMigration(migrationsDir, BROKEN, 'CREATE TABLE "half_done" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n');
      const error = await migrate(database.url, { migrationsDir }).catch((caught: unknown) => caught);
      return { migrationsDir, error };
    }

    it('throws MigrationFailedError with the SQL error and rolls the whole file back', async () => {
      const { error } = await runBrokenMigration();

      expect(error).toBeInstanceOf(MigrationFailedError);
      expect(error).toMatchObject({ code: 'MIGRATION_FAILED', migrationName: BROKEN });
      expect((error as Error).message).toContain('relation "no_such_table" does not exist');
      expect((error as Error).message).toContain('42P01');
      expect(await tableExists('half_done')).toBe(false);
      // Earlier migrations of the same run stay applied.
      expect(await tableExists('dead_letters')).toBe(true);
    });

    it('leaves a _prisma_migrations row with the error in logs and finished_at NULL', async () => {
      await runBrokenMigration();

      const broken = (await migrationRows()).find((row) => row.migration_name === BROKEN);
      expect(broken).toMatchObject({ finished_at: null, rolled_back_at: null, applied_steps_count: 0 });
      expect(broken?.logs).toContain(`Migration name: ${BROKEN}`);
      expect(broken?.logs).toContain('Database error code: 42P01');
      expect(broken?.logs).toContain('relation "no_such_table" does not exist');
    });

    it('refuses every later run until the failure is resolved (like Prisma P3009)', async () => {
      const { migrationsDir } = await runBrokenMigration();

      const error = await migrate(database.url, { migrationsDir }).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(PreviousMigrationFailedError);
      expect(error).toMatchObject({ code: 'MIGRATION_PREVIOUSLY_FAILED', migrationName: BROKEN });
      expect((await migrationRows()).filter((row) => row.migration_name === BROKEN)).toHaveLength(1);
    });

    it('re-applies the fixed migration once the failed row is marked rolled back', async () => {
      const { migrationsDir } = await runBrokenMigration();
      await addMigrationFix(migrationsDir);
      await pool.query(`UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = $1`, [BROKEN]);

      const report = await migrate(database.url, { migrationsDir });

      expect(report.applied).toEqual([BROKEN]);
      expect(await tableExists('half_done')).toBe(true);
    });

    async function addMigrationFix(migrationsDir: string): Promise<void> {
      await writeFile(path.join(migrationsDir, BROKEN, 'migration.sql'), 'CREATE TABLE "half_done" ("id" INTEGER);\n');
    }
  });

  it('gives up with MigrationLockTimeoutError while another session holds the migration lock', async () => {
    const holder = await pool.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(72707369)');
      const error = await migrate(database.url, { lockTimeoutMs: 100 }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(MigrationLockTimeoutError);
      expect(error).toMatchObject({ code: 'MIGRATION_LOCK_TIMEOUT' });
      expect(await tableExists('_prisma_migrations')).toBe(false);
    } finally {
      holder.release(true);
    }
  });

  it('reports a missing migrations directory', async () => {
    const missing = path.join(defaultMigrationsDir(), 'does-not-exist');
    await expect(migrate(database.url, { migrationsDir: missing })).rejects.toBeInstanceOf(MigrationsDirectoryError);
  });

  it('sees the same folders as the repository', async () => {
    const folders = (await readdir(defaultMigrationsDir(), { withFileTypes: true })).filter((entry) => entry.isDirectory());
    expect(folders.map((entry) => entry.name).sort()).toEqual([INIT, WORKER_STATE, WORKER_IDENTITY, REPORTING, PARTITION_LEASES]);
  });
});
