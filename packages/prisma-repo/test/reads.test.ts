import { describe, expect, it } from 'vitest';
import { insertRow, useRepository } from './support/test-repository.js';

const f = useRepository();

describe('getProgress', () => {
  it('returns null when the record does not exist (rows are created lazily)', async () => {
    expect(await f.repo.getProgress('nobody', 'g1')).toBeNull();
  });

  it('returns every column of the record', async () => {
    const completedAt = new Date('2024-03-01T10:00:00.123Z');
    const claimedAt = new Date('2024-03-02T11:00:00.456Z');
    const createdAt = new Date('2024-02-01T00:00:00.000Z');
    const updatedAt = new Date('2024-03-02T11:00:00.456Z');
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', challengeId: 'ch', namespace: 'ns1', progress: 7, status: 'claimed', completedAt, claimedAt, createdAt, updatedAt });
    expect(await f.repo.getProgress('u1', 'g1')).toEqual({
      userId: 'u1', goalId: 'g1', challengeId: 'ch', namespace: 'ns1', progress: 7, status: 'claimed', completedAt, claimedAt, createdAt, updatedAt,
    });
  });

  it('keeps microseconds out of the way: timestamps come back as the same instants', async () => {
    await f.admin.query(`INSERT INTO user_goal_progress (user_id, goal_id, challenge_id, namespace, status, created_at, updated_at)
                         VALUES ('u1', 'g1', 'c', 'n', 'not_started', '2024-01-01T00:00:00.123456Z', '2024-01-01T23:59:59.999999Z')`);
    const p = await f.repo.getProgress('u1', 'g1');
    expect(p?.createdAt?.toISOString()).toBe('2024-01-01T00:00:00.123Z');
    expect(p?.updatedAt?.toISOString()).toBe('2024-01-01T23:59:59.999Z');
  });
});

describe('getUserProgress', () => {
  it('returns [] for a user without records', async () => {
    expect(await f.repo.getUserProgress('nobody')).toEqual([]);
  });

  it('returns all of the user’s records, oldest createdAt first, ties by goalId', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'b', status: 'not_started', createdAt: new Date('2024-01-02T00:00:00Z') });
    await insertRow(f.admin, { userId: 'u1', goalId: 'c', status: 'not_started', createdAt: new Date('2024-01-01T00:00:00Z') });
    await insertRow(f.admin, { userId: 'u1', goalId: 'a', status: 'not_started', createdAt: new Date('2024-01-02T00:00:00Z') });
    await insertRow(f.admin, { userId: 'u2', goalId: 'a', status: 'not_started', createdAt: new Date('2023-01-01T00:00:00Z') });
    const rows = await f.repo.getUserProgress('u1');
    expect(rows.map((r) => r.goalId)).toEqual(['c', 'a', 'b']);
  });
});

describe('getChallengeProgress', () => {
  it('returns [] when the user has nothing in the challenge', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', challengeId: 'other', status: 'in_progress' });
    expect(await f.repo.getChallengeProgress('u1', 'c1')).toEqual([]);
  });

  it('returns only that challenge’s records of that user, oldest first', async () => {
    await insertRow(f.admin, { userId: 'u1', goalId: 'g2', challengeId: 'c1', status: 'in_progress', createdAt: new Date('2024-01-02T00:00:00Z') });
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', challengeId: 'c1', status: 'in_progress', createdAt: new Date('2024-01-03T00:00:00Z') });
    await insertRow(f.admin, { userId: 'u1', goalId: 'g3', challengeId: 'c2', status: 'in_progress' });
    await insertRow(f.admin, { userId: 'u2', goalId: 'g1', challengeId: 'c1', status: 'in_progress' });
    const rows = await f.repo.getChallengeProgress('u1', 'c1');
    expect(rows.map((r) => [r.userId, r.goalId])).toEqual([['u1', 'g2'], ['u1', 'g1']]);
  });
});
