import { describe, expect, it } from 'vitest';
import { createGoalRepository, createPool, type GoalRepository } from '../src/index.js';
import { NASTY_IDS, readRow, readTable, useRepository } from './support/test-repository.js';

// The worker's batch methods take two routes: one UNNEST statement below the
// COPY threshold, COPY into a staging table + one merge above it. Times travel
// as epoch milliseconds on both; ids as array elements or COPY text.
describe.each([
  ['UNNEST', undefined],
  ['COPY', 1],
])('worker batches through %s', (_route, batchCopyThreshold) => {
  const f = useRepository({ batchCopyThreshold });
  const base = { challengeId: 'c', namespace: 'n' };

  it('round-trip nasty ids on every worker batch method', async () => {
    // one batch of all of them: COPY lines with escapes next to lines without
    const writes: ((ids: readonly string[]) => Promise<void>)[] = [
      (ids) => f.repo.batchApplyAbsolute(ids.map((id) => ({ userId: id, goalId: id, challengeId: id, namespace: id, value: 5, targetValue: 10, at: new Date(), reachedAt: null }))),
      (ids) => f.repo.batchIncrementProgress(ids.map((id) => ({ userId: id, goalId: id, challengeId: id, namespace: id, delta: 5, targetValue: 10, isDailyIncrement: false }))),
      (ids) => f.repo.batchCompleteDaily(ids.map((id) => ({ userId: id, goalId: id, challengeId: id, namespace: id, targetValue: 1, at: new Date() }))),
    ];
    for (const write of writes) {
      await f.admin.query('TRUNCATE user_goal_progress');
      await write(NASTY_IDS);
      for (const id of NASTY_IDS) expect(await readRow(f.admin, id, id)).toMatchObject({ userId: id, goalId: id, challengeId: id, namespace: id });
      expect(await readTable(f.admin)).toHaveLength(NASTY_IDS.length);
    }
  });

  it('keep every millisecond of the earliest and latest valid instants, in any session TimeZone', async () => {
    const pool = createPool(f.database.url, { max: 2, options: '-c TimeZone=Asia/Kathmandu' });
    const repo = createGoalRepository({ pool, batchCopyThreshold });
    const instants = [
      new Date('0001-01-01T00:00:00.000Z'),
      new Date('1969-12-31T23:59:59.999Z'),
      new Date('2024-03-10T10:30:00.123Z'),
      new Date('6307-01-10T19:15:57.259Z'),
      new Date('9999-12-31T23:59:59.999Z'),
    ];
    await repo.batchApplyAbsolute(instants.map((at, i) => ({ userId: 'abs', goalId: `g${i}`, ...base, value: 10, targetValue: 10, at, reachedAt: null })));
    await repo.batchIncrementProgress(instants.map((at, i) => ({ userId: 'inc', goalId: `g${i}`, ...base, delta: 10, targetValue: 10, isDailyIncrement: true, at })));
    await repo.batchCompleteDaily(instants.map((at, i) => ({ userId: 'day', goalId: `g${i}`, ...base, targetValue: 1, at })));
    await repo.close();
    await pool.end();
    for (const userId of ['abs', 'inc', 'day']) {
      for (const [i, at] of instants.entries()) {
        expect(await readRow(f.admin, userId, `g${i}`)).toMatchObject({ completedAt: at, createdAt: at, updatedAt: at });
      }
    }
  });

  it('per-element targets and daily flags also when one goal has different targets for different users', async () => {
    const at = new Date('2024-06-01T10:00:00Z');
    const write = (repo: GoalRepository) =>
      repo.batchIncrementProgress([
        { userId: 'u1', goalId: 'g', ...base, delta: 3, targetValue: 5, isDailyIncrement: false, at },
        { userId: 'u2', goalId: 'g', ...base, delta: 3, targetValue: 100, isDailyIncrement: true, at },
        { userId: 'u3', goalId: 'h', ...base, delta: 3, targetValue: 6, isDailyIncrement: false, at },
      ]);
    await write(f.repo);
    await write(f.repo);
    expect((await readTable(f.admin)).map((r) => [r.userId, r.progress, r.status])).toEqual([
      ['u1', 6, 'completed'],
      ['u2', 3, 'in_progress'],
      ['u3', 6, 'completed'],
    ]);
  });
});
