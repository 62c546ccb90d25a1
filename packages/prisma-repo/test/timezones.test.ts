// This file runs Node in a zone 14 hours ahead of UTC and the database
// sessions in Los Angeles: no day boundary or timestamp may depend on either.
process.env.TZ = 'Pacific/Kiritimati';

import { describe, expect, it, beforeAll } from 'vitest';
import { createGoalRepository, createPool, type PostgresGoalRepository } from '../src/index.js';
import type pg from 'pg';
import { readRow, setUpdatedAt, upsert, useRepository } from './support/test-repository.js';

const f = useRepository();
let pool: pg.Pool;
let repo: PostgresGoalRepository;

beforeAll(async () => {
  await f.admin.query(`ALTER DATABASE ${f.database.name} SET timezone = 'America/Los_Angeles'`);
  pool = createPool(f.database.url, { max: 5 });
  repo = createGoalRepository({ pool });
  return async () => {
    await repo.close();
    await pool.end();
  };
});

describe('with Node in Pacific/Kiritimati and the database in America/Los_Angeles', () => {
  it('really runs in those zones', async () => {
    expect(new Date('2024-06-01T00:00:00Z').getTimezoneOffset()).toBe(-14 * 60);
    const { rows } = await pool.query<{ tz: string }>(`SELECT current_setting('TimeZone') AS tz`);
    expect(rows[0]?.tz).toBe('America/Los_Angeles');
  });

  it('timestamps round-trip as the same instants through every read and write path', async () => {
    const completedAt = new Date('2024-06-01T23:30:00.123Z');
    await repo.upsertProgress(upsert({ userId: 'u1', goalId: 'prisma', status: 'completed', completedAt }));
    await repo.batchUpsertProgress([upsert({ userId: 'u1', goalId: 'unnest', status: 'completed', completedAt })]);
    await repo.batchUpsertProgressWithCopy([upsert({ userId: 'u1', goalId: 'copy', status: 'completed', completedAt })]);
    for (const goalId of ['prisma', 'unnest', 'copy']) {
      expect((await repo.getProgress('u1', goalId))?.completedAt).toEqual(completedAt);
      expect((await readRow(f.admin, 'u1', goalId))?.completedAt).toEqual(completedAt);
    }
    const all = await repo.getUserProgress('u1');
    expect(all.map((p) => p.completedAt)).toEqual([completedAt, completedAt, completedAt]);
    await repo.withTransaction(async (tx) => {
      expect((await tx.getProgressForUpdate('u1', 'copy'))?.completedAt).toEqual(completedAt);
      expect((await tx.getProgress('u1', 'copy'))?.completedAt).toEqual(completedAt);
    });
  });

  it('daily increments cut days at UTC midnight (07:00 or 17:00 the previous day in the session’s and Node’s zones)', async () => {
    // 16:59 in LA on May 31st = 23:59 UTC May 31st; 00:01 UTC June 1st = 17:01 LA May 31st (same LA day!).
    await repo.incrementProgress('u1', 'g1', 'c', 'n', 1, 100, true, new Date('2024-05-31T23:59:00Z'));
    await repo.incrementProgress('u1', 'g1', 'c', 'n', 1, 100, true, new Date('2024-06-01T00:01:00Z'));
    await repo.batchIncrementProgress([{ userId: 'u1', goalId: 'g1', challengeId: 'c', namespace: 'n', delta: 1, targetValue: 100, isDailyIncrement: true, at: new Date('2024-06-01T23:59:00Z') }]);
    expect((await readRow(f.admin, 'u1', 'g1'))?.progress).toBe(2);
    await repo.batchIncrementProgress([{ userId: 'u1', goalId: 'g1', challengeId: 'c', namespace: 'n', delta: 1, targetValue: 100, isDailyIncrement: true, at: new Date('2024-06-02T00:00:00Z') }]);
    expect((await readRow(f.admin, 'u1', 'g1'))?.progress).toBe(3);
  });

  it('daily increments with the database clock use the UTC day of now()', async () => {
    const { rows } = await pool.query<{ start: Date }>(`SELECT date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS start`);
    const utcMidnight = rows[0]?.start ?? new Date();
    await repo.incrementProgress('u1', 'g2', 'c', 'n', 1, 100, true);
    // Written 1 ms before today's UTC midnight: yesterday (UTC), whatever the LA or Kiritimati date.
    await setUpdatedAt(f.admin, 'u1', 'g2', new Date(utcMidnight.getTime() - 1));
    await repo.incrementProgress('u1', 'g2', 'c', 'n', 1, 100, true);
    expect((await readRow(f.admin, 'u1', 'g2'))?.progress).toBe(2);
    // Written exactly at today's UTC midnight: today.
    await setUpdatedAt(f.admin, 'u1', 'g2', utcMidnight);
    await repo.incrementProgress('u1', 'g2', 'c', 'n', 1, 100, true);
    expect((await readRow(f.admin, 'u1', 'g2'))?.progress).toBe(2);
  });

  it('daily completions and reopening follow UTC days', async () => {
    await repo.batchCompleteDaily([{ userId: 'u1', goalId: 'd', challengeId: 'c', namespace: 'n', targetValue: 1, at: new Date('2024-06-01T23:59:00Z') }]);
    await repo.markAsClaimed('u1', 'd');
    await repo.batchCompleteDaily([{ userId: 'u1', goalId: 'd', challengeId: 'c', namespace: 'n', targetValue: 1, at: new Date('2024-06-01T23:59:59Z') }]);
    expect((await readRow(f.admin, 'u1', 'd'))?.status).toBe('claimed');
  });
});
