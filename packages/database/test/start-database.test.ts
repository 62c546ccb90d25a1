import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DatabaseUnreachableError, startDatabase } from '../src/index.js';
import { withDatabaseName } from '../src/connection/database-url.js';
import { freePort } from '@goals/runtime/testing';
import { withTestDatabase } from '../src/testing/index.js';

const ALL_MIGRATIONS = ['20261127000000_init', '20261127000100_worker_state', '20261201000000_worker_identity', '20261201210000_reporting', '20261201220000_partition_leases'];

async function query<Row extends pg.QueryResultRow>(url: string, sql: string): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function countProgressRows(url: string): Promise<number> {
  const rows = await query<{ count: string }>(url, 'SELECT count(*) FROM user_goal_progress');
  return Number(rows[0]?.count);
}

describe('startDatabase with a database URL', () => {
  it('fails with one clear line naming the URL (password masked) when nothing listens there', async () => {
    const port = await freePort();
    const url = `postgres://goals:s3cret@127.0.0.1:${port}/goals`;

    const error = await startDatabase({ databaseUrl: url }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    const message = (error as Error).message;
    expect(message).toContain(`postgres://goals:****@127.0.0.1:${port}/goals`);
    expect(message).toContain('ECONNREFUSED');
    expect(message).not.toContain('s3cret');
    expect(message).not.toContain('\n');
    expect(error).toMatchObject({ code: 'DATABASE_UNREACHABLE' });
  });

  it('says so when the database does not exist', async () => {
    const url = withDatabaseName(inject('goalsTestDatabase').adminUrl, 'goals_no_such_database');

    const error = await startDatabase({ databaseUrl: url }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expect((error as Error).message).toMatch(/database "goals_no_such_database" does not exist \(3D000\)/);
  });

  it('migrates a reachable database and leaves it running on stop()', async () => {
    await withTestDatabase(
      async (database) => {
        const lines: string[] = [];
        const started = await startDatabase({ databaseUrl: database.url, log: (line) => lines.push(line) });

        expect(started).toMatchObject({ url: database.url, embedded: false, migrations: { applied: ALL_MIGRATIONS } });
        expect(lines.join('\n')).toContain(`applied ${ALL_MIGRATIONS.length} migration(s)`);
        await started.stop();
        expect(await countProgressRows(database.url)).toBe(0);
      },
      { migrated: false },
    );
  });

  it('with databaseName, creates and migrates that database on the same server instead of the URL own database', async () => {
    await withTestDatabase(
      async (database) => {
        const name = `${database.name}_named`;
        const started = await startDatabase({ databaseUrl: database.url, databaseName: name });
        try {
          expect(started.url).toBe(withDatabaseName(database.url, name));
          expect(started.migrations.applied).toEqual(ALL_MIGRATIONS);
          expect(await countProgressRows(started.url)).toBe(0);
          const again = await startDatabase({ databaseUrl: database.url, databaseName: name });
          expect(again.migrations).toEqual({ applied: [], alreadyApplied: ALL_MIGRATIONS });
          expect(await query(database.url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'user_goal_progress'`)).toEqual([]);
        } finally {
          await query(database.url, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        }
      },
      { migrated: false },
    );
  });
});

describe('startDatabase without a database URL (embedded PostgreSQL)', () => {
  let root: string;
  let dataDir: string;
  let occupied: net.Server;
  let occupiedPort: number;

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'goals-embedded-test-'));
    // When tests run as root the server runs as `postgres`, which must reach the data dir.
    await chmod(root, 0o755);
    dataDir = path.join(root, 'data');
    occupied = net.createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
    const address = occupied.address();
    occupiedPort = typeof address === 'object' && address !== null ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise((resolve) => occupied.close(resolve));
    await rm(root, { recursive: true, force: true });
  });

  it('initialises once, falls back from a taken port, keeps data across restarts, and shares a running server', async () => {
    const firstLog: string[] = [];
    const first = await startDatabase({ databaseUrl: '', dataDir, port: occupiedPort, log: (line) => firstLog.push(line) });
    try {
      expect(first.embedded).toBe(true);
      expect(first.migrations.applied).toEqual(ALL_MIGRATIONS);
      expect(new URL(first.url).port).not.toBe(String(occupiedPort));
      expect(new URL(first.url).pathname).toBe('/goals');
      expect(firstLog.join('\n')).toMatch(/initialising embedded PostgreSQL/);
      expect(firstLog.join('\n')).toContain(`port ${occupiedPort} is taken`);
      await query(first.url, `INSERT INTO user_goal_progress (user_id, goal_id, challenge_id, namespace) VALUES ('u', 'g', 'c', 'n')`);

      // A second process on the same data directory connects to the running server.
      const second = await startDatabase({ databaseUrl: '', dataDir, port: occupiedPort });
      expect(second.url).toBe(first.url);
      expect(second.migrations.alreadyApplied).toEqual(ALL_MIGRATIONS);
      await second.stop();
      expect(await countProgressRows(first.url)).toBe(1);
    } finally {
      await first.stop();
    }

    const restartLog: string[] = [];
    const restarted = await startDatabase({ databaseUrl: '', dataDir, log: (line) => restartLog.push(line) });
    try {
      expect(restartLog.join('\n')).not.toMatch(/initialising/);
      expect(restarted.migrations).toEqual({ applied: [], alreadyApplied: ALL_MIGRATIONS });
      expect(await countProgressRows(restarted.url)).toBe(1);
    } finally {
      await restarted.stop();
    }
  });
});
