import { ValidationError } from '@goals/domain';
import { DatabaseError, TransactionClosedError } from '../src/index.js';
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGoalRepository, createPool } from '../src/index.js';
import { commitTransaction } from '../src/sql/commit-transaction.js';
import { countRows, insertRow, upsert, useRepository } from './support/test-repository.js';

const f = useRepository();

beforeAll(async () => {
  // Test-only instruments in this file's database:
  // - every row written records the backend and transaction that wrote it;
  // - writing goal 'explode' fails like a constraint would (a database error validation cannot foresee).
  await f.admin.query(`
    CREATE TABLE written_by (goal_id text, pid int, txid bigint);
    CREATE FUNCTION record_writer() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF NEW.goal_id = 'explode' THEN RAISE EXCEPTION 'explode' USING ERRCODE = '23514'; END IF;
      INSERT INTO written_by VALUES (NEW.goal_id, pg_backend_pid(), txid_current());
      RETURN NEW;
    END $$;
    CREATE TRIGGER record_writer BEFORE INSERT OR UPDATE ON user_goal_progress FOR EACH ROW EXECUTE FUNCTION record_writer();`);
});

async function writers(): Promise<{ goal_id: string; pid: number; txid: string }[]> {
  const { rows } = await f.admin.query<{ goal_id: string; pid: number; txid: string }>('SELECT goal_id, pid, txid::text FROM written_by ORDER BY goal_id');
  await f.admin.query('TRUNCATE written_by');
  return rows;
}

/** Backends of this file's database that are blocked on a lock. */
async function lockWaiters(): Promise<number> {
  const { rows } = await f.admin.query<{ n: string }>(
    `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return Number(rows[0]?.n);
}

/** Polls the server (not a guessed sleep) until `condition` holds; gives up after 30 s. */
async function waitUntil(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('condition never became true');
}

describe('a transaction', () => {
  it('runs Prisma, raw pg and COPY statements on the same backend and the same transaction', async () => {
    await writers();
    await f.repo.withTransaction(async (tx) => {
      await tx.upsertProgress(upsert({ userId: 'u1', goalId: 'prisma' })); // Prisma ($executeRaw)
      await tx.incrementProgress('u1', 'prisma-increment', 'c', 'n', 1, 5, false); // Prisma
      await tx.batchUpsertProgress([upsert({ userId: 'u1', goalId: 'unnest' })]); // pg
      // COPY: the merge reads the session's temp table, filled by COPY in the same session and
      // transaction (ON COMMIT DELETE ROWS would have emptied it otherwise).
      await tx.batchUpsertProgressWithCopy([upsert({ userId: 'u1', goalId: 'copy' })]);
      // Prisma reads see the uncommitted rows: same transaction.
      expect(await tx.getUserProgress('u1')).toHaveLength(4);
      expect(await f.repo.getUserProgress('u1')).toHaveLength(0);
    });
    const rows = await writers();
    expect(rows.map((r) => r.goal_id)).toEqual(['copy', 'prisma', 'prisma-increment', 'unnest']);
    expect(new Set(rows.map((r) => r.pid)).size).toBe(1);
    expect(new Set(rows.map((r) => r.txid)).size).toBe(1);
  });

  it('is invisible to others until commit, then visible', async () => {
    const tx = await f.repo.beginTx();
    await tx.upsertProgress(upsert({ userId: 'u1', goalId: 'g1', progress: 3 }));
    await tx.batchUpsertProgress([upsert({ userId: 'u1', goalId: 'g2', progress: 3 })]);
    expect(await tx.getProgress('u1', 'g1')).toMatchObject({ progress: 3 });
    expect(await f.repo.getProgress('u1', 'g1')).toBeNull();
    await tx.commit();
    expect(await f.repo.getProgress('u1', 'g1')).toMatchObject({ progress: 3 });
    expect(await countRows(f.admin)).toBe(2);
  });

  it('rollback discards every write of every kind', async () => {
    const tx = await f.repo.beginTx();
    await tx.upsertProgress(upsert({ userId: 'u1', goalId: 'g1' }));
    await tx.batchUpsertProgress([upsert({ userId: 'u1', goalId: 'g2' })]);
    await tx.batchUpsertProgressWithCopy([upsert({ userId: 'u1', goalId: 'g3' })]);
    await tx.incrementProgress('u1', 'g4', 'c', 'n', 1, 5, false);
    await tx.batchIncrementProgress([{ userId: 'u1', goalId: 'g5', challengeId: 'c', namespace: 'n', delta: 1, targetValue: 5, isDailyIncrement: false }]);
    await tx.batchApplyAbsolute([{ userId: 'u1', goalId: 'g6', challengeId: 'c', namespace: 'n', value: 1, targetValue: 5, at: new Date(), reachedAt: null }]);
    await tx.batchCompleteDaily([{ userId: 'u1', goalId: 'g7', challengeId: 'c', namespace: 'n', targetValue: 1, at: new Date() }]);
    await tx.storeSourcePositions([{ source: 's', partition: 'p', position: 1n }]);
    await tx.recordDeadLetters([{ source: 's', partition: 'p', position: 1n, goalId: '', eventId: null, payload: '', reason: 'r', errorCode: 'E' }]);
    await tx.rollback();
    expect(await countRows(f.admin)).toBe(0);
    expect((await f.admin.query('SELECT * FROM source_positions')).rows).toEqual([]);
    expect((await f.admin.query('SELECT * FROM dead_letters')).rows).toEqual([]);
  });

  it.each(['commit', 'rollback'] as const)('refuses every call after %s with TRANSACTION_CLOSED, writing nothing', async (finish) => {
    const tx = await f.repo.beginTx();
    await tx[finish]();
    const attempts: (() => Promise<unknown>)[] = [
      () => tx.upsertProgress(upsert({ userId: 'u1', goalId: 'g1' })),
      () => tx.batchUpsertProgress([upsert({ userId: 'u1', goalId: 'g1' })]),
      () => tx.batchUpsertProgressWithCopy([upsert({ userId: 'u1', goalId: 'g1' })]),
      () => tx.incrementProgress('u1', 'g1', 'c', 'n', 1, 1, false),
      () => tx.batchIncrementProgress([{ userId: 'u1', goalId: 'g1', challengeId: 'c', namespace: 'n', delta: 1, targetValue: 1, isDailyIncrement: false }]),
      () => tx.markAsClaimed('u1', 'g1'),
      () => tx.storeSourcePositions([{ source: 's', partition: 'p', position: 1n }]),
      () => tx.getProgress('u1', 'g1'),
      () => tx.getProgressForUpdate('u1', 'g1'),
      () => tx.commit(),
    ];
    for (const attempt of attempts) {
      const error = await attempt().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransactionClosedError);
      expect(error).toMatchObject({ code: 'TRANSACTION_CLOSED' });
    }
    await expect(tx.rollback()).resolves.toBeUndefined(); // idempotent
    expect(await countRows(f.admin)).toBe(0);
  });

  it('after a failed statement, commit throws, nothing is written and the connection goes back', async () => {
    const tx = await f.repo.beginTx();
    await tx.upsertProgress(upsert({ userId: 'u1', goalId: 'g1' }));
    const failed = await tx.upsertProgress(upsert({ userId: 'u1', goalId: 'explode' })).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(DatabaseError);
    expect(failed).toMatchObject({ code: 'DATABASE_ERROR', operation: 'upsertProgress', sqlState: '23514' });
    const commit = await tx.commit().catch((e: unknown) => e);
    expect(commit).toBeInstanceOf(DatabaseError);
    expect(commit).toMatchObject({ code: 'DATABASE_ERROR', operation: 'commit' });
    expect(await countRows(f.admin)).toBe(0);
    expect(f.pool.totalCount - f.pool.idleCount).toBe(0);
  });

  it.each([
    ['batchUpsertProgress (pg)', (tx: Awaited<ReturnType<typeof f.repo.beginTx>>) => tx.batchUpsertProgress([upsert({ userId: 'u1', goalId: 'explode' })])],
    ['batchUpsertProgressWithCopy (COPY)', (tx: Awaited<ReturnType<typeof f.repo.beginTx>>) => tx.batchUpsertProgressWithCopy([upsert({ userId: 'u1', goalId: 'explode' })])],
    ['incrementProgress (Prisma)', (tx: Awaited<ReturnType<typeof f.repo.beginTx>>) => tx.incrementProgress('u1', 'explode', 'c', 'n', 1, 1, false)],
  ])('a failure in %s also makes commit fail', async (_name, fail) => {
    const tx = await f.repo.beginTx();
    await tx.upsertProgress(upsert({ userId: 'u1', goalId: 'g1' }));
    await expect(fail(tx)).rejects.toBeInstanceOf(DatabaseError);
    await expect(tx.commit()).rejects.toBeInstanceOf(DatabaseError);
    expect(await countRows(f.admin)).toBe(0);
  });

  it('commitTransaction reports PostgreSQL answering COMMIT with ROLLBACK (node-pg does not)', async () => {
    const client = await f.admin.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT 1/0').catch(() => undefined);
      expect(await commitTransaction(client)).toBe(false);
      await client.query('BEGIN');
      expect(await commitTransaction(client)).toBe(true);
    } finally {
      client.release();
    }
  });

  it('beginTx / withTransaction on a transaction is a typed error', async () => {
    const tx = await f.repo.beginTx();
    try {
      await expect(tx.beginTx()).rejects.toBeInstanceOf(ValidationError);
      await expect(tx.withTransaction(async () => 1)).rejects.toBeInstanceOf(ValidationError);
    } finally {
      await tx.rollback();
    }
  });

  it('two COPY calls in one transaction are independent of each other', async () => {
    await f.repo.withTransaction(async (tx) => {
      await tx.batchUpsertProgressWithCopy([upsert({ userId: 'u1', goalId: 'g1', progress: 1 })]);
      await tx.batchUpsertProgressWithCopy([upsert({ userId: 'u2', goalId: 'g1', progress: 2 })]);
      await tx.upsertProgress(upsert({ userId: 'u1', goalId: 'g1', progress: 50 }));
      await tx.batchUpsertProgressWithCopy([upsert({ userId: 'u3', goalId: 'g1', progress: 3 })]);
    });
    const { rows } = await f.admin.query('SELECT user_id, progress FROM user_goal_progress ORDER BY user_id');
    expect(rows).toEqual([{ user_id: 'u1', progress: 50 }, { user_id: 'u2', progress: 2 }, { user_id: 'u3', progress: 3 }]);
  });

  it('a COPY in a rolled-back transaction (which drops a staging table created there) does not break later COPYs', async () => {
    const pool = createPool(f.database.url, { max: 1 });
    const repo = createGoalRepository({ pool });
    try {
      for (let i = 0; i < 3; i++) {
        const tx = await repo.beginTx();
        await tx.batchUpsertProgressWithCopy([upsert({ userId: `r${i}`, goalId: 'g1' })]);
        await tx.rollback();
        await repo.batchUpsertProgressWithCopy([upsert({ userId: `c${i}`, goalId: 'g1' })]);
        await repo.withTransaction((t) => t.batchUpsertProgressWithCopy([upsert({ userId: `t${i}`, goalId: 'g1' })]));
      }
    } finally {
      await repo.close();
      await pool.end();
    }
    expect(await countRows(f.admin)).toBe(6);
  });
});

describe('withTransaction', () => {
  it('commits when the work resolves and returns its result', async () => {
    const result = await f.repo.withTransaction(async (tx) => {
      await tx.upsertProgress(upsert({ userId: 'u1', goalId: 'g1' }));
      return 'done';
    });
    expect(result).toBe('done');
    expect(await countRows(f.admin)).toBe(1);
  });

  it('rolls back when the work throws, and rethrows', async () => {
    const boom = new Error('boom');
    await expect(
      f.repo.withTransaction(async (tx) => {
        await tx.upsertProgress(upsert({ userId: 'u1', goalId: 'g1' }));
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await countRows(f.admin)).toBe(0);
  });

  it('throws when the work swallowed a database error (commit would have dropped the writes)', async () => {
    await expect(
      f.repo.withTransaction(async (tx) => {
        await tx.upsertProgress(upsert({ userId: 'u1', goalId: 'g1' }));
        await tx.upsertProgress(upsert({ userId: 'u1', goalId: 'explode' })).catch(() => undefined);
      }),
    ).rejects.toBeInstanceOf(DatabaseError);
    expect(await countRows(f.admin)).toBe(0);
  });
});

describe('getProgressForUpdate', () => {
  it('returns the record, or null, inside the transaction', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 3, status: 'in_progress' });
    await f.repo.withTransaction(async (tx) => {
      expect(await tx.getProgressForUpdate('u1', 'g1')).toMatchObject({ userId: 'u1', goalId: 'g1', progress: 3 });
      expect(await tx.getProgressForUpdate('u1', 'none')).toBeNull();
    });
  });

  it('makes a second transaction locking the same record wait until the first ends', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 3, status: 'completed', completedAt: new Date() });
    const first = await f.repo.beginTx();
    const second = await f.repo.beginTx();
    await first.getProgressForUpdate('u1', 'g1');
    let secondDone = false;
    const secondRead = second.getProgressForUpdate('u1', 'g1').then((p) => {
      secondDone = true;
      return p;
    });
    await waitUntil(async () => (await lockWaiters()) === 1);
    expect(secondDone).toBe(false);
    await first.markAsClaimed('u1', 'g1');
    await first.commit();
    // The second sees the first's committed write, not the state before it.
    expect(await secondRead).toMatchObject({ status: 'claimed' });
    await second.rollback();
  });
});

describe('connections', () => {
  it('100 transactions in a row, with failures of every kind, leave the pool as they found it', async () => {
    await f.repo.getProgress('warm', 'up');
    const baseline = { total: f.pool.totalCount, idle: f.pool.idleCount, waiting: f.pool.waitingCount };
    for (let i = 0; i < 100; i++) {
      switch (i % 6) {
        case 0:
          await f.repo.withTransaction((tx) => tx.upsertProgress(upsert({ userId: `u${i}`, goalId: 'g' })));
          break;
        case 1: {
          const tx = await f.repo.beginTx();
          await tx.batchUpsertProgressWithCopy([upsert({ userId: `u${i}`, goalId: 'g' })]);
          await tx.rollback();
          break;
        }
        case 2: {
          const tx = await f.repo.beginTx();
          await tx.batchUpsertProgress([upsert({ userId: '', goalId: 'g' })]).catch(() => undefined); // validation
          await tx.commit();
          break;
        }
        case 3: {
          const tx = await f.repo.beginTx();
          await tx.batchUpsertProgressWithCopy([upsert({ userId: `u${i}`, goalId: 'explode' })]).catch(() => undefined);
          await tx.commit().catch(() => undefined);
          break;
        }
        case 4:
          await f.repo.withTransaction(async () => { throw new Error('work failed'); }).catch(() => undefined);
          break;
        case 5:
          await f.repo.batchUpsertProgressWithCopy([upsert({ userId: `u${i}`, goalId: 'explode' })]).catch(() => undefined);
          await f.repo.batchIncrementProgress([
            { userId: `u${i}`, goalId: 'explode', challengeId: 'c', namespace: 'n', delta: 1, targetValue: 1, isDailyIncrement: false },
            { userId: `u${i}`, goalId: 'explode', challengeId: 'c', namespace: 'n', delta: 1, targetValue: 1, isDailyIncrement: true },
          ]).catch(() => undefined);
          break;
      }
    }
    expect({ total: f.pool.totalCount, idle: f.pool.idleCount, waiting: f.pool.waitingCount }).toEqual(baseline);
    expect(await countRows(f.admin)).toBe(17);
  });

  it('a COPY the server aborts mid-stream leaves no connection in COPY mode', async () => {
    // Every statement of this pool times out after 30 ms: the 200,000-row COPY is cut off mid-stream.
    const pool = createPool(f.database.url, { max: 2 }, { statementMs: 30 });
    const repo = createGoalRepository({ pool });
    try {
      const rows = Array.from({ length: 200_000 }, (_, i) => upsert({ userId: `user-${i}`, goalId: 'g', progress: i % 100 }));
      for (const path of ['own transaction', 'caller transaction'] as const) {
        const error =
          path === 'own transaction'
            ? await repo.batchUpsertProgressWithCopy(rows).catch((e: unknown) => e)
            : await repo.withTransaction((tx) => tx.batchUpsertProgressWithCopy(rows)).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(DatabaseError);
        expect(error).toMatchObject({ sqlState: '57014' }); // query_canceled
        expect(pool.totalCount - pool.idleCount).toBe(0);
        // Whatever connection is left answers an ordinary query.
        expect((await pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      }
    } finally {
      await repo.close();
      await pool.end();
    }
    expect(await countRows(f.admin)).toBe(0);
  });

  it('a COPY whose backend is killed mid-stream fails with DATABASE_ERROR and the dead connection is discarded', async () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => upsert({ userId: `user-${i}`, goalId: 'g' }));
    const copy = f.repo.batchUpsertProgressWithCopy(rows).catch((e: unknown) => e);
    let copyingPid: number | undefined;
    await waitUntil(async () => {
      const { rows: active } = await f.admin.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'COPY pg_temp.goals_upsert_staging%' AND state = 'active'`,
      );
      copyingPid = active[0]?.pid;
      return copyingPid !== undefined;
    });
    await f.admin.query('SELECT pg_terminate_backend($1)', [copyingPid]);
    expect(await copy).toBeInstanceOf(DatabaseError);
    expect(f.pool.totalCount - f.pool.idleCount).toBe(0);
    expect((await f.pool.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    expect(await countRows(f.admin)).toBe(0);
  });
});

void pg;
