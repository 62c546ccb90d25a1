import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../src/migrations/migrate.js';
import { resolveMigration } from '../src/migrations/resolve-migration.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';
import { addMigration, copyOfRepositoryMigrations } from './support/migrations-copy.js';

const RUN_MIGRATE = fileURLToPath(new URL('./support/run-migrate.ts', import.meta.url));
const SLOW = '20261230000000_slow';
const BROKEN = '20261230000000_broken';

let database: TestDatabase;
let pool: pg.Pool;
beforeEach(async () => {
  database = await createTestDatabase({ migrated: false });
  pool = new pg.Pool({ connectionString: database.url });
  // drop() terminates what is still connected; an idle client told so must not be an unhandled error
  pool.on('error', () => {});
});
afterEach(async () => {
  await pool.end();
  await database.drop();
});

async function rowsOf(name: string) {
  const { rows } = await pool.query<{ finished_at: Date | null; rolled_back_at: Date | null }>(
    'SELECT finished_at, rolled_back_at FROM _prisma_migrations WHERE migration_name = $1 ORDER BY started_at',
    [name],
  );
  return rows;
}

async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('migrations killed or failed (issue #8 item 5)', () => {
  it('a process killed with SIGKILL in the middle of a migration leaves nothing that looks failed; the next start applies it', async () => {
    const migrationsDir = await copyOfRepositoryMigrations();
    await pool.query('CREATE TABLE blocker (id int)');
    await addMigration(migrationsDir, SLOW, 'CREATE TABLE "slow_part" ("id" INTEGER);\nLOCK TABLE blocker IN ACCESS EXCLUSIVE MODE;\n');
    // the test holds the lock the migration needs, so the kill lands while its SQL runs
    const holder = await pool.connect();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE blocker IN ACCESS SHARE MODE');
    const child = spawn(process.execPath, ['--import', 'tsx', RUN_MIGRATE], {
      env: { ...process.env, GOALS_TEST_URL: database.url, GOALS_TEST_MIGRATIONS: migrationsDir },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await until(async () => {
      const { rows } = await pool.query(`SELECT 1 FROM pg_stat_activity WHERE query LIKE '%LOCK TABLE blocker IN ACCESS EXCLUSIVE%' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`);
      return rows.length > 0;
    }, 'the migration to wait on the lock');
    child.kill('SIGKILL');
    await exited;
    expect(await rowsOf(SLOW)).toEqual([]);
    await holder.query('ROLLBACK');
    holder.release();

    const report = await migrate(database.url, { migrationsDir });
    expect(report.applied).toEqual([SLOW]);
    expect(await rowsOf(SLOW)).toEqual([{ finished_at: expect.any(Date), rolled_back_at: null }]);
  });

  it('a migration that really failed says how to recover, and resolveMigration does it (rolled back, then applied again)', async () => {
    const migrationsDir = await copyOfRepositoryMigrations();
    const file = await addMigration(migrationsDir, BROKEN, 'CREATE TABLE "half" ("id" INTEGER);\nSELECT * FROM "no_such_table";\n');
    await expect(migrate(database.url, { migrationsDir })).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
    const refusal = await migrate(database.url, { migrationsDir }).catch((e: unknown) => e);
    expect(refusal).toMatchObject({ code: 'MIGRATION_PREVIOUSLY_FAILED' });
    expect((refusal as Error).message).toContain('no_such_table');
    expect((refusal as Error).message).toContain(`pnpm db:migrate --resolve-rolled-back ${BROKEN}`);
    expect((refusal as Error).message).toContain(`prisma migrate resolve --rolled-back ${BROKEN}`);

    await resolveMigration(database.url, BROKEN, 'rolled-back', { migrationsDir });
    await writeFile(file, 'CREATE TABLE "half" ("id" INTEGER);\n');
    expect((await migrate(database.url, { migrationsDir })).applied).toEqual([BROKEN]);
    await expect(resolveMigration(database.url, BROKEN, 'rolled-back', { migrationsDir })).rejects.toMatchObject({ code: 'MIGRATION_NOT_FAILED' });
  });

  it('resolve --applied records a migration completed by hand, and the next run goes on after it', async () => {
    const migrationsDir = await copyOfRepositoryMigrations();
    await addMigration(migrationsDir, BROKEN, 'SELECT * FROM "no_such_table";\n');
    await expect(migrate(database.url, { migrationsDir })).rejects.toMatchObject({ code: 'MIGRATION_FAILED' });
    await resolveMigration(database.url, BROKEN, 'applied', { migrationsDir });
    await addMigration(migrationsDir, '20261231000000_after', 'CREATE TABLE "after" ("id" INTEGER);\n');
    const report = await migrate(database.url, { migrationsDir });
    expect(report.applied).toEqual(['20261231000000_after']);
    expect(report.alreadyApplied).toContain(BROKEN);
    expect((await rowsOf(BROKEN)).map((r) => [r.finished_at === null, r.rolled_back_at === null])).toEqual([[true, false], [false, true]]);
  });
});
