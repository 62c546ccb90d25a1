import { MAX_PROGRESS, type UserGoalProgress } from '@goals/domain';
import { describe, expect, it } from 'vitest';
import type { GoalRepository, ProgressIncrement } from '../src/index.js';
import { insertRow, NASTY_IDS, readRow, readTable, setUpdatedAt, useRepository } from './support/test-repository.js';

const f = useRepository();

function inc(overrides: Partial<ProgressIncrement> & { userId?: string; goalId?: string } = {}): ProgressIncrement {
  return { userId: 'u1', goalId: 'g1', challengeId: 'c1', namespace: 'ns', delta: 1, targetValue: 10, isDailyIncrement: false, ...overrides };
}

const paths: [string, (repo: GoalRepository, incs: ProgressIncrement[]) => Promise<void>][] = [
  [
    'incrementProgress',
    async (repo, incs) => {
      for (const i of incs) await repo.incrementProgress(i.userId, i.goalId, i.challengeId, i.namespace, i.delta, i.targetValue, i.isDailyIncrement, i.at);
    },
  ],
  ['batchIncrementProgress', (repo, incs) => repo.batchIncrementProgress(incs)],
];

const D1 = new Date('2024-06-01T12:00:00.000Z');
const D2 = new Date('2024-06-02T12:00:00.000Z');

describe.each(paths)('%s', (_name, apply) => {
  it('creates a missing record at delta, stamped with the event time', async () => {
    await apply(f.repo, [inc({ delta: 3, at: D1 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 3, status: 'in_progress', completedAt: null, createdAt: D1, updatedAt: D1 });
  });

  it('creates a record already completed when delta reaches the target', async () => {
    await apply(f.repo, [inc({ delta: 10, targetValue: 10, at: D1 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 10, status: 'completed', completedAt: D1 });
  });

  it('a zero delta on a new record leaves it not_started', async () => {
    await apply(f.repo, [inc({ delta: 0, at: D1 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 0, status: 'not_started' });
  });

  it('adds delta to an existing record and completes it the first time the target is reached', async () => {
    await apply(f.repo, [inc({ delta: 4, at: D1 }), inc({ delta: 5, at: D1 }), inc({ delta: 1, at: D2 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 10, status: 'completed', completedAt: D2, updatedAt: D2 });
  });

  it('never undoes completion and keeps the first completedAt', async () => {
    await apply(f.repo, [inc({ delta: 10, targetValue: 10, at: D1 }), inc({ delta: 1, targetValue: 1000, at: D2 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 11, status: 'completed', completedAt: D1, updatedAt: D2 });
  });

  it('fills completedAt of a completed record that lacks it', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 3, status: 'completed', completedAt: null });
    await apply(f.repo, [inc({ delta: 1, targetValue: 100, at: D2 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 4, status: 'completed', completedAt: D2 });
  });

  it('refuses an increment past the INT maximum (PROGRESS_OVERFLOW) and writes nothing; exactly the maximum is fine', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: MAX_PROGRESS - 1, status: 'in_progress' });
    const before = await readRow(f.admin, 'u1', 'g1');
    await expect(apply(f.repo, [inc({ delta: 5, targetValue: MAX_PROGRESS, at: D1 })])).rejects.toMatchObject({ code: 'PROGRESS_OVERFLOW' });
    expect(await readRow(f.admin, 'u1', 'g1')).toEqual(before);
    await apply(f.repo, [inc({ delta: 1, targetValue: MAX_PROGRESS, at: D1 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: MAX_PROGRESS, status: 'completed' });
  });

  it('leaves a claimed record untouched', async () => {
    const t = new Date('2024-01-01T00:00:00Z');
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 10, status: 'claimed', completedAt: t, claimedAt: t, updatedAt: t });
    const before = await readRow(f.admin, 'u1', 'g1');
    await apply(f.repo, [inc({ delta: 5, at: D1 }), inc({ delta: 5, isDailyIncrement: true, at: D2 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toEqual(before);
  });

  it('without an event time, uses the database clock for updatedAt and completedAt', async () => {
    const { rows } = await f.admin.query<{ now: Date }>('SELECT now()');
    await apply(f.repo, [inc({ delta: 10, targetValue: 10 })]);
    const row = await readRow(f.admin, 'u1', 'g1');
    expect(row?.updatedAt?.getTime()).toBeGreaterThanOrEqual(rows[0]?.now.getTime() ?? Infinity);
    expect(row?.completedAt).toEqual(row?.updatedAt);
  });

  describe('daily', () => {
    it('a missing record starts at delta', async () => {
      await apply(f.repo, [inc({ delta: 2, isDailyIncrement: true, at: D1 })]);
      expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 2, updatedAt: D1 });
    });

    it('counts once per UTC day: a second call on the same day changes nothing', async () => {
      await apply(f.repo, [inc({ isDailyIncrement: true, at: D1 })]);
      const afterFirst = await readRow(f.admin, 'u1', 'g1');
      await apply(f.repo, [inc({ isDailyIncrement: true, at: new Date('2024-06-01T23:59:59.999Z') })]);
      expect(await readRow(f.admin, 'u1', 'g1')).toEqual(afterFirst);
    });

    it('counts again on the next UTC day, from midnight UTC exactly', async () => {
      await apply(f.repo, [inc({ isDailyIncrement: true, at: new Date('2024-06-01T23:59:59.999Z') })]);
      await apply(f.repo, [inc({ isDailyIncrement: true, at: new Date('2024-06-02T00:00:00.000Z') })]);
      expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 2, updatedAt: new Date('2024-06-02T00:00:00.000Z') });
    });

    it('does not count a replayed event from an earlier day than the last write', async () => {
      await apply(f.repo, [inc({ isDailyIncrement: true, at: D2 }), inc({ isDailyIncrement: true, at: D1 })]);
      expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 1, updatedAt: D2 });
    });

    it('with the database clock: counts when updated_at was back-dated to yesterday, once', async () => {
      await apply(f.repo, [inc({ isDailyIncrement: true })]);
      await apply(f.repo, [inc({ isDailyIncrement: true })]);
      expect((await readRow(f.admin, 'u1', 'g1'))?.progress).toBe(1);
      await f.admin.query(`UPDATE user_goal_progress SET updated_at = updated_at - interval '1 day'`);
      await apply(f.repo, [inc({ isDailyIncrement: true })]);
      await apply(f.repo, [inc({ isDailyIncrement: true })]);
      expect((await readRow(f.admin, 'u1', 'g1'))?.progress).toBe(2);
    });

    it('a UTC day boundary is not the session’s: 23:30 and 00:30 UTC are different days', async () => {
      await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 1, status: 'in_progress' });
      await setUpdatedAt(f.admin, 'u1', 'g1', new Date('2024-06-01T23:30:00Z'));
      await apply(f.repo, [inc({ isDailyIncrement: true, at: new Date('2024-06-02T00:30:00Z') })]);
      expect((await readRow(f.admin, 'u1', 'g1'))?.progress).toBe(2);
    });
  });

  it('gives each element its own delta, target and daily flag, also when users share a goal', async () => {
    await insertRow(f.admin, { userId: 'a', goalId: 'g', progress: 4, status: 'in_progress', updatedAt: D2 });
    await insertRow(f.admin, { userId: 'b', goalId: 'g', progress: 4, status: 'in_progress', updatedAt: D2 });
    await insertRow(f.admin, { userId: 'c', goalId: 'g', progress: 4, status: 'in_progress', updatedAt: D1 });
    await apply(f.repo, [
      inc({ userId: 'a', goalId: 'g', delta: 1, targetValue: 5, isDailyIncrement: false, at: D2 }),
      inc({ userId: 'b', goalId: 'g', delta: 7, targetValue: 100, isDailyIncrement: true, at: D2 }),
      inc({ userId: 'c', goalId: 'g', delta: 2, targetValue: 6, isDailyIncrement: true, at: D2 }),
      inc({ userId: 'd', goalId: 'g', delta: 3, targetValue: 3, isDailyIncrement: false, at: D2 }),
    ]);
    const rows = await readTable(f.admin);
    expect(rows.map((r) => [r.userId, r.progress, r.status])).toEqual([
      ['a', 5, 'completed'],
      ['b', 4, 'in_progress'],
      ['c', 6, 'completed'],
      ['d', 3, 'completed'],
    ]);
  });

  it('round-trips ids with quotes, tabs, newlines, backslashes and emoji', async () => {
    await apply(f.repo, NASTY_IDS.map((id) => inc({ userId: id, goalId: id, challengeId: id, namespace: id, delta: 2, at: D1 })));
    for (const id of NASTY_IDS) {
      expect(await f.repo.getProgress(id, id)).toMatchObject({ userId: id, goalId: id, challengeId: id, namespace: id, progress: 2 });
    }
  });
});

describe('batchIncrementProgress with duplicate keys', () => {
  it('equals one incrementProgress per element in order (deltas add, a daily one counts once per day)', async () => {
    const sequence = (user: string): ProgressIncrement[] => [
      inc({ userId: user, delta: 2, at: D1 }),
      inc({ userId: user, delta: 3, at: D1 }),
      inc({ userId: user, delta: 1, isDailyIncrement: true, at: D1 }),
      inc({ userId: user, delta: 1, isDailyIncrement: true, at: D2 }),
      inc({ userId: user, delta: 1, isDailyIncrement: true, at: D2 }),
      inc({ userId: user, delta: 4, targetValue: 11, at: D2 }),
      inc({ userId: user, delta: 100, targetValue: 50, at: D2 }),
      inc({ userId: user, goalId: 'other', delta: 1, at: D1 }),
    ];
    await f.repo.batchIncrementProgress(sequence('batched'));
    for (const i of sequence('single')) {
      await f.repo.incrementProgress(i.userId, i.goalId, i.challengeId, i.namespace, i.delta, i.targetValue, i.isDailyIncrement, i.at);
    }
    const strip = ({ userId: _u, createdAt: _c, ...rest }: UserGoalProgress) => rest;
    const rows = await readTable(f.admin);
    const batched = rows.filter((r) => r.userId === 'batched').map(strip);
    const single = rows.filter((r) => r.userId === 'single').map(strip);
    expect(batched).toEqual(single);
    // 2 + 3, the D1 daily is a no-op (written on D1 already), +1 on D2 once, +4, +100 reaches 50.
    expect(batched[0]).toMatchObject({ goalId: 'g1', progress: 110, status: 'completed', completedAt: D2 });
  });

  it('adds a thousand duplicate regular increments of one key in one statement', async () => {
    await f.repo.batchIncrementProgress(Array.from({ length: 1000 }, () => inc({ delta: 1, targetValue: 1000, at: D1 })));
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 1000, status: 'completed', completedAt: D1 });
  });
});
