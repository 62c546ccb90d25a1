import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { freePort } from '@goals/runtime/testing';
import { withTestDatabase } from '../src/testing/index.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `pnpm db:migrate` without pnpm: the same tsx entry point, with DATABASE_URL set. */
function runMigrateCli(databaseUrl: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/migrate.ts'],
      { cwd: packageDir, env: { ...process.env, DATABASE_URL: databaseUrl } },
      (error, stdout, stderr) => {
        const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ exitCode, stdout, stderr });
      },
    );
  });
}

describe('db:migrate', () => {
  it('migrates DATABASE_URL and prints what it applied', async () => {
    await withTestDatabase(
      async (database) => {
        const first = await runMigrateCli(database.url);
        expect(first).toMatchObject({ exitCode: 0, stderr: '' });
        expect(first.stdout).toContain('applied 5 migration(s): 20261127000000_init, 20261127000100_worker_state, 20261201000000_worker_identity, 20261201210000_reporting, 20261201220000_partition_leases');

        const second = await runMigrateCli(database.url);
        expect(second.exitCode).toBe(0);
        expect(second.stdout).toContain('schema up to date');
      },
      { migrated: false },
    );
  });

  it('exits non-zero with one line when the database is unreachable', async () => {
    const port = await freePort();

    const result = await runMigrateCli(`postgres://postgres:hunter2@127.0.0.1:${port}/goals`);

    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^db:migrate failed: DATABASE_UNREACHABLE: Cannot connect to PostgreSQL at postgres:\/\/postgres:\*\*\*\*@127\.0\.0\.1:\d+\/goals: connection refused/);
  });
});
