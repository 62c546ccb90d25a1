import { describe, expect, it } from 'vitest';
import type { AbsoluteProgressUpdate, DailyCompletion } from '../src/index.js';
import { insertRow, NASTY_IDS, readRow, readTable, useRepository } from './support/test-repository.js';

const f = useRepository();

const D1 = new Date('2024-06-01T12:00:00.000Z');
const D2 = new Date('2024-06-02T12:00:00.000Z');
const D3 = new Date('2024-06-03T12:00:00.000Z');

function abs(overrides: Partial<AbsoluteProgressUpdate> = {}): AbsoluteProgressUpdate {
  return { userId: 'u1', goalId: 'g1', challengeId: 'c1', namespace: 'ns', value: 1, targetValue: 10, at: D1, reachedAt: null, ...overrides };
}
function daily(overrides: Partial<DailyCompletion> = {}): DailyCompletion {
  return { userId: 'u1', goalId: 'g1', challengeId: 'c1', namespace: 'ns', targetValue: 1, at: D1, ...overrides };
}

describe('batchApplyAbsolute', () => {
  it('inserts a record at the value, with its status from the target', async () => {
    await f.repo.batchApplyAbsolute([abs({ goalId: 'a', value: 0 }), abs({ goalId: 'b', value: 3 }), abs({ goalId: 'c', value: 10 })]);
    const rows = await readTable(f.admin);
    expect(rows.map((r) => [r.goalId, r.progress, r.status, r.completedAt])).toEqual([
      ['a', 0, 'not_started', null],
      ['b', 3, 'in_progress', null],
      ['c', 10, 'completed', D1],
    ]);
    expect(rows[0]).toMatchObject({ createdAt: D1, updatedAt: D1 });
  });

  it('sets progress to the value, also downwards', async () => {
    await f.repo.batchApplyAbsolute([abs({ value: 7 })]);
    await f.repo.batchApplyAbsolute([abs({ value: 2, at: D2 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 2, status: 'in_progress', updatedAt: D2 });
  });

  it('keeps a completed record completed with its first completedAt when the value falls', async () => {
    await f.repo.batchApplyAbsolute([abs({ value: 12 })]);
    await f.repo.batchApplyAbsolute([abs({ value: 3, at: D2 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 3, status: 'completed', completedAt: D1, updatedAt: D2 });
  });

  it('completes at reachedAt when the target was met earlier in the aggregate', async () => {
    await f.repo.batchApplyAbsolute([abs({ value: 4, at: D2, reachedAt: D1 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 4, status: 'completed', completedAt: D1, updatedAt: D2 });
  });

  it('leaves a claimed record untouched', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 10, status: 'claimed', completedAt: D1, claimedAt: D1, updatedAt: D1 });
    const before = await readRow(f.admin, 'u1', 'g1');
    await f.repo.batchApplyAbsolute([abs({ value: 0, at: D2 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toEqual(before);
  });

  it('with duplicate keys, equals one update per element in order', async () => {
    await f.repo.batchApplyAbsolute([abs({ value: 20, at: D1 }), abs({ value: 1, at: D2 }), abs({ goalId: 'g2', value: 5 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 1, status: 'completed', completedAt: D1, updatedAt: D2, createdAt: D1 });
  });

  it('round-trips nasty ids', async () => {
    await f.repo.batchApplyAbsolute(NASTY_IDS.map((id) => abs({ userId: id, goalId: id, challengeId: id, namespace: id, value: 5 })));
    for (const id of NASTY_IDS) expect(await f.repo.getProgress(id, id)).toMatchObject({ userId: id, goalId: id, challengeId: id, namespace: id, progress: 5 });
  });
});

describe('batchCompleteDaily', () => {
  it('creates a completed record for the day', async () => {
    await f.repo.batchCompleteDaily([daily()]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 1, status: 'completed', completedAt: D1, claimedAt: null, updatedAt: D1 });
  });

  it('completes an in-progress record and keeps a larger progress', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 5, status: 'in_progress' });
    await f.repo.batchCompleteDaily([daily({ at: D2 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 5, status: 'completed', completedAt: D2 });
  });

  it('a second completion on the same UTC day changes nothing', async () => {
    await f.repo.batchCompleteDaily([daily({ at: D1 })]);
    const before = await readRow(f.admin, 'u1', 'g1');
    await f.repo.batchCompleteDaily([daily({ at: new Date('2024-06-01T23:59:59.999Z') })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toEqual(before);
  });

  it('a completion on a later day moves completedAt to that day', async () => {
    await f.repo.batchCompleteDaily([daily({ at: D1 })]);
    await f.repo.batchCompleteDaily([daily({ at: D2 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ status: 'completed', completedAt: D2 });
  });

  it('reopens a goal claimed on an earlier UTC day (the daily reward repeats)', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 1, status: 'claimed', completedAt: D1, claimedAt: D1 });
    await f.repo.batchCompleteDaily([daily({ at: D2 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ status: 'completed', completedAt: D2, claimedAt: null, updatedAt: D2 });
  });

  it('leaves a goal claimed on the same UTC day untouched', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 1, status: 'claimed', completedAt: D2, claimedAt: D2 });
    const before = await readRow(f.admin, 'u1', 'g1');
    await f.repo.batchCompleteDaily([daily({ at: new Date('2024-06-02T00:00:00.000Z') })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toEqual(before);
  });

  it('with duplicate keys, equals one call per element in order', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 1, status: 'claimed', completedAt: D1, claimedAt: D1 });
    await f.repo.batchCompleteDaily([daily({ at: D2 }), daily({ at: D2 }), daily({ at: D3 }), daily({ at: D1 })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ status: 'completed', completedAt: D3, claimedAt: null, updatedAt: D3 });
  });
});
