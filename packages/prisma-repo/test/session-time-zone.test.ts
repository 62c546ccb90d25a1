import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGoalRepository, createPool, type PostgresGoalRepository } from '../src/index.js';
import { upsert, useRepository } from './support/test-repository.js';

// The repository reads through Prisma on UTC sessions of its own and inside
// its transactions with SET LOCAL; the application's pool keeps its zone.
const f = useRepository();
let pool: pg.Pool;
let repo: PostgresGoalRepository;

beforeAll(async () => {
  await f.admin.query(`ALTER DATABASE ${f.database.name} SET timezone = 'Asia/Kolkata'`);
  pool = createPool(f.database.url, { max: 1 }); // one connection: the transaction's is the one checked below
  repo = createGoalRepository({ pool });
  return async () => {
    await repo.close();
    await pool.end();
  };
});

describe('session TimeZone', () => {
  it('reads through the typed client give the stored instants, and the caller’s sessions keep their zone, also after a transaction', async () => {
    const completedAt = new Date('2024-03-10T23:45:00.500Z');
    await repo.upsertProgress(upsert({ userId: 'tz', goalId: 'g', status: 'completed', completedAt }));
    expect((await repo.getProgress('tz', 'g'))?.completedAt).toEqual(completedAt);
    await repo.withTransaction(async (tx) => {
      expect((await tx.getUserProgress('tz'))[0]?.completedAt).toEqual(completedAt);
    });
    const { rows } = await pool.query<{ tz: string }>(`SELECT current_setting('TimeZone') AS tz`);
    expect(rows[0]?.tz).toBe('Asia/Kolkata');
  });
});
