import { applyGoalEffect, MAX_PROGRESS, ProgressOverflowError, type UserGoalProgress } from '@goals/domain';
import { describe, expect, it } from 'vitest';
import { DatabaseError, type ProgressIncrement } from '../src/index.js';
import { insertRow, readRow, readTable, useRepository } from './support/test-repository.js';

// SPEC §2.5: an increment past 2,147,483,647 is refused with a typed error and
// writes nothing — in a batch, nothing of the batch — and the domain's fold
// (the oracle) refuses the same increment.

const AT = new Date('2024-06-01T12:00:00.000Z');

function inc(overrides: Partial<ProgressIncrement> = {}): ProgressIncrement {
  return { userId: 'u1', goalId: 'g1', challengeId: 'c1', namespace: 'ns', delta: 1, targetValue: 10, isDailyIncrement: false, at: AT, ...overrides };
}

describe.each([
  ['UNNEST route', undefined],
  ['COPY route', 1],
])('batchIncrementProgress past INT max (%s)', (_route, batchCopyThreshold) => {
  const f = useRepository({ batchCopyThreshold });

  it('refuses the whole batch when one row would overflow, and the domain fold refuses that row too', async () => {
    await insertRow(f.admin, { userId: 'u2', goalId: 'g1', progress: MAX_PROGRESS - 3, status: 'in_progress' });
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 5, status: 'in_progress' });
    const before = await readTable(f.admin);
    const batch = [inc({ userId: 'u1', delta: 2 }), inc({ userId: 'u2', delta: 4 }), inc({ userId: 'u3', delta: 1 })];

    const refused = await f.repo.batchIncrementProgress(batch).then(() => undefined, (error: unknown) => error);
    expect(refused).toBeInstanceOf(ProgressOverflowError);
    expect(refused).toMatchObject({ code: 'PROGRESS_OVERFLOW', operation: 'batchIncrementProgress' });
    expect(await readTable(f.admin)).toEqual(before);

    const stored = before.find((r) => r.userId === 'u2') as UserGoalProgress;
    expect(() => applyGoalEffect(stored, { ...inc({ userId: 'u2', delta: 4 }), kind: 'increment', daily: false, at: AT })).toThrow(ProgressOverflowError);
  });

  it('does not fold duplicate keys into a clamped sum: two increments summing past INT max are refused', async () => {
    await f.repo.batchIncrementProgress([inc({ delta: 7 })]);
    const before = await readTable(f.admin);
    await expect(f.repo.batchIncrementProgress([inc({ delta: MAX_PROGRESS - 7 }), inc({ delta: 1 })])).rejects.toBeInstanceOf(ProgressOverflowError);
    expect(await readTable(f.admin)).toEqual(before);
    await f.repo.batchIncrementProgress([inc({ delta: MAX_PROGRESS - 8 }), inc({ delta: 1 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: MAX_PROGRESS, status: 'completed' });
  });
});

describe('incrementProgress past INT max', () => {
  const f = useRepository();

  it('names the record in the error', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: MAX_PROGRESS, status: 'completed', completedAt: AT });
    await expect(f.repo.incrementProgress('u1', 'g1', 'c1', 'ns', 1, 10, false, AT)).rejects.toMatchObject({
      code: 'PROGRESS_OVERFLOW',
      userId: 'u1',
      goalId: 'g1',
      delta: 1,
    });
  });

  it('inside a transaction: refused, the transaction is poisoned, commit throws and nothing is written', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: MAX_PROGRESS - 1, status: 'in_progress' });
    const before = await readTable(f.admin);
    const tx = await f.repo.beginTx();
    await tx.batchIncrementProgress([inc({ userId: 'u0', delta: 3 })]);
    await expect(tx.incrementProgress('u1', 'g1', 'c1', 'ns', 2, 10, false, AT)).rejects.toBeInstanceOf(ProgressOverflowError);
    await expect(tx.commit()).rejects.toBeInstanceOf(DatabaseError);
    expect(await readTable(f.admin)).toEqual(before);
  });
});
