import { GoalAlreadyClaimedError, GoalNotCompletedError, GoalNotFoundError } from '@goals/domain';
import { describe, expect, it } from 'vitest';
import { insertRow, readRow, useRepository } from './support/test-repository.js';

const f = useRepository();

describe('markAsClaimed', () => {
  it('turns a completed record into a claimed one with claimedAt = now', async () => {
    const completedAt = new Date('2024-01-01T00:00:00Z');
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 5, status: 'completed', completedAt });
    const { rows } = await f.admin.query<{ now: Date }>('SELECT now()');
    await f.repo.markAsClaimed('u1', 'g1');
    const row = await readRow(f.admin, 'u1', 'g1');
    expect(row).toMatchObject({ status: 'claimed', completedAt, progress: 5 });
    expect(row?.claimedAt?.getTime()).toBeGreaterThanOrEqual(rows[0]?.now.getTime() ?? Infinity);
  });

  it('claims a completed record without completedAt and fills it in', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 5, status: 'completed', completedAt: null });
    await f.repo.markAsClaimed('u1', 'g1');
    const row = await readRow(f.admin, 'u1', 'g1');
    expect(row?.status).toBe('claimed');
    expect(row?.completedAt).toEqual(row?.claimedAt);
  });

  it('GOAL_NOT_FOUND for a missing record', async () => {
    const error = await f.repo.markAsClaimed('u1', 'nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GoalNotFoundError);
    expect(error).toMatchObject({ code: 'GOAL_NOT_FOUND', operation: 'markAsClaimed' });
  });

  it.each(['not_started', 'in_progress'] as const)('GOAL_NOT_COMPLETED for a %s record, which stays as it was', async (status) => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 1, status });
    const before = await readRow(f.admin, 'u1', 'g1');
    const error = await f.repo.markAsClaimed('u1', 'g1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GoalNotCompletedError);
    expect(error).toMatchObject({ code: 'GOAL_NOT_COMPLETED', status });
    expect(await readRow(f.admin, 'u1', 'g1')).toEqual(before);
  });

  it('GOAL_ALREADY_CLAIMED for a claimed record, which stays as it was', async () => {
    const t = new Date('2024-01-01T00:00:00Z');
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 1, status: 'claimed', completedAt: t, claimedAt: t });
    const before = await readRow(f.admin, 'u1', 'g1');
    const error = await f.repo.markAsClaimed('u1', 'g1').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GoalAlreadyClaimedError);
    expect(await readRow(f.admin, 'u1', 'g1')).toEqual(before);
  });

  it('of concurrent claims of one record exactly one succeeds; the others get GOAL_ALREADY_CLAIMED', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 1, status: 'completed', completedAt: new Date() });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => f.repo.markAsClaimed('u1', 'g1')));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(GoalAlreadyClaimedError);
  });
});

describe('markAsClaimed result', () => {
  it('resolves with the claimedAt it wrote, equal to what a read returns', async () => {
    await f.repo.upsertProgress({ userId: 'u-at', goalId: 'g-at', challengeId: 'c', namespace: 'n', progress: 5, status: 'completed', completedAt: new Date('2026-11-01T00:00:00Z') });
    const claimedAt = await f.repo.markAsClaimed('u-at', 'g-at');
    const stored = await f.repo.getProgress('u-at', 'g-at');
    expect(claimedAt).toBeInstanceOf(Date);
    expect(stored?.claimedAt?.getTime()).toBe(claimedAt.getTime());
  });
});
