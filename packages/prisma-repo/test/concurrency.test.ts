import { describe, expect, it } from 'vitest';
import type { GoalRepository, ProgressUpsert } from '../src/index.js';
import { readRow, readTable, upsert, useRepository } from './support/test-repository.js';

const f = useRepository();

describe('concurrency', () => {
  it('many connections incrementing one (missing) record lose nothing', async () => {
    const callers = 40;
    await Promise.all(
      Array.from({ length: callers }, (_, i) =>
        i % 2 === 0
          ? f.repo.incrementProgress('u1', 'g1', 'c', 'n', 1, 1000, false)
          : f.repo.batchIncrementProgress([{ userId: 'u1', goalId: 'g1', challengeId: 'c', namespace: 'n', delta: 1, targetValue: 1000, isDailyIncrement: false }]),
      ),
    );
    expect((await readRow(f.admin, 'u1', 'g1'))?.progress).toBe(callers);
  });

  it('concurrent daily increments of one record on one day count once', async () => {
    const at = new Date('2024-06-01T10:00:00Z');
    await Promise.all(Array.from({ length: 20 }, () => f.repo.incrementProgress('u1', 'g1', 'c', 'n', 1, 1000, true, at)));
    expect((await readRow(f.admin, 'u1', 'g1'))?.progress).toBe(1);
  });

  const keys = Array.from({ length: 300 }, (_, i) => ({ userId: `user-${i % 30}`, goalId: `goal-${Math.floor(i / 30)}` }));
  const batchPaths: [string, (repo: GoalRepository, rows: ProgressUpsert[]) => Promise<void>][] = [
    ['batchUpsertProgress', (r, rows) => r.batchUpsertProgress(rows)],
    ['batchUpsertProgressWithCopy', (r, rows) => r.batchUpsertProgressWithCopy(rows)],
    [
      'batchIncrementProgress',
      (r, rows) => r.batchIncrementProgress(rows.map((p) => ({ ...p, delta: 1, targetValue: 1_000_000, isDailyIncrement: false }))),
    ],
    ['batchApplyAbsolute', (r, rows) => r.batchApplyAbsolute(rows.map((p) => ({ ...p, value: p.progress, targetValue: 1_000_000, at: new Date(), reachedAt: null })))],
  ];

  it.each(batchPaths)('%s: concurrent batches over the same keys in opposite orders all finish (no deadlock)', async (name, write) => {
    const forward = keys.map((k) => upsert({ ...k, progress: 1 }));
    const backward = [...forward].reverse();
    const rounds = 6;
    await Promise.all(
      Array.from({ length: rounds }, (_, i) =>
        f.repo.withTransaction(async (tx) => {
          await write(tx, i % 2 === 0 ? forward : backward);
          // hold the locks a little longer: a second statement over the same keys
          await write(tx, i % 2 === 0 ? forward : backward);
        }),
      ),
    );
    const rows = await readTable(f.admin);
    expect(rows).toHaveLength(keys.length);
    if (name === 'batchIncrementProgress') expect(rows.every((r) => r.progress === rounds * 2)).toBe(true);
  });
});

describe('concurrency of the COPY route of the worker batches', () => {
  const c = useRepository({ batchCopyThreshold: 1 });
  const keys = Array.from({ length: 300 }, (_, i) => ({ userId: `user-${i % 30}`, goalId: `goal-${Math.floor(i / 30)}`, challengeId: 'c', namespace: 'n' }));
  const paths: [string, (repo: GoalRepository, reverse: boolean) => Promise<void>][] = [
    ['batchIncrementProgress', (r, reverse) => r.batchIncrementProgress(order(keys, reverse).map((k) => ({ ...k, delta: 1, targetValue: 1_000_000, isDailyIncrement: false })))],
    ['batchApplyAbsolute', (r, reverse) => r.batchApplyAbsolute(order(keys, reverse).map((k) => ({ ...k, value: 1, targetValue: 10, at: new Date(), reachedAt: null })))],
    ['batchCompleteDaily', (r, reverse) => r.batchCompleteDaily(order(keys, reverse).map((k) => ({ ...k, targetValue: 1, at: new Date() })))],
  ];
  function order<T>(xs: T[], reverse: boolean): T[] {
    return reverse ? [...xs].reverse() : xs;
  }

  it.each(paths)('%s: concurrent batches in opposite orders all finish and lose nothing', async (name, write) => {
    const rounds = 6;
    await Promise.all(
      Array.from({ length: rounds }, (_, i) =>
        c.repo.withTransaction(async (tx) => {
          await write(tx, i % 2 === 1);
          await write(tx, i % 2 === 1);
        }),
      ),
    );
    // and outside a caller transaction (the repository opens one for COPY)
    await Promise.all(Array.from({ length: 4 }, (_, i) => write(c.repo, i % 2 === 1)));
    const rows = await readTable(c.admin);
    expect(rows).toHaveLength(keys.length);
    if (name === 'batchIncrementProgress') expect(rows.every((r) => r.progress === rounds * 2 + 4)).toBe(true);
  });
});
