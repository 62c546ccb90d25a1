import { describe, expect, it } from 'vitest';
import { countRows, upsert, useRepository } from './support/test-repository.js';

const f = useRepository();
const N = 100_000;
const keys = Array.from({ length: N }, (_, i) => ({ userId: `user-${i % 1000}`, goalId: `goal-${Math.floor(i / 1000)}` }));
const at = new Date('2024-06-01T00:00:00Z');

async function progressSum(): Promise<number> {
  const { rows } = await f.admin.query<{ s: string }>('SELECT sum(progress) AS s FROM user_goal_progress');
  return Number(rows[0]?.s);
}

// No 9,000-row cap (the Go original's parameter limit): every batch path takes 100,000 rows in one call.
describe('100,000-row batches', () => {
  it('batchUpsertProgress', async () => {
    await f.repo.batchUpsertProgress(keys.map((k) => upsert({ ...k, progress: 2 })));
    expect(await countRows(f.admin)).toBe(N);
    expect(await progressSum()).toBe(2 * N);
  });

  it('batchUpsertProgressWithCopy', async () => {
    await f.repo.batchUpsertProgressWithCopy(keys.map((k) => upsert({ ...k, progress: 3 })));
    expect(await countRows(f.admin)).toBe(N);
    expect(await progressSum()).toBe(3 * N);
  });

  it('batchIncrementProgress', async () => {
    const incs = keys.map((k) => ({ ...k, challengeId: 'c', namespace: 'n', delta: 1, targetValue: 2, isDailyIncrement: false, at }));
    await f.repo.batchIncrementProgress(incs);
    await f.repo.batchIncrementProgress(incs);
    expect(await progressSum()).toBe(2 * N);
    const { rows } = await f.admin.query<{ n: string }>(`SELECT count(*) AS n FROM user_goal_progress WHERE status = 'completed'`);
    expect(Number(rows[0]?.n)).toBe(N);
  });

  it('batchApplyAbsolute', async () => {
    await f.repo.batchApplyAbsolute(keys.map((k) => ({ ...k, challengeId: 'c', namespace: 'n', value: 4, targetValue: 10, at, reachedAt: null })));
    expect(await progressSum()).toBe(4 * N);
  });

  it('batchCompleteDaily', async () => {
    await f.repo.batchCompleteDaily(keys.map((k) => ({ ...k, challengeId: 'c', namespace: 'n', targetValue: 1, at })));
    expect(await countRows(f.admin)).toBe(N);
  });

  it('recordDeadLetters and storeSourcePositions', async () => {
    await f.repo.recordDeadLetters(keys.map((_, i) => ({ source: 's', partition: 'p', position: BigInt(i), goalId: '', eventId: null, payload: '{}', reason: 'r', errorCode: 'E' })));
    await f.repo.storeSourcePositions(keys.map((_, i) => ({ source: 's', partition: `p${i}`, position: BigInt(i) })));
    const { rows } = await f.admin.query<{ d: string; p: string }>('SELECT (SELECT count(*) FROM dead_letters) AS d, (SELECT count(*) FROM source_positions) AS p');
    expect(rows[0]).toEqual({ d: String(N), p: String(N) });
  });
});
