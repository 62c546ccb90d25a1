import { claimIdempotencyKey, GoalAlreadyClaimedError, GoalNotCompletedError, GoalNotFoundError, PrerequisitesNotMetError } from '@goals/domain';
import { describe, expect, it } from 'vitest';
import { createRewardClaims } from '../src/index.js';
import { InMemoryGranter } from './support/in-memory-granter.js';
import { arrangeRecord, catalogue, useClaimsDatabase } from './support/claims-fixture.js';

const f = useClaimsDatabase();

function claimsWith(granter: InMemoryGranter) {
  return createRewardClaims({ repository: f.repository, catalogue, granter, retry: { baseDelayMs: 1, maxDelayMs: 1 } });
}

describe('claimReward', () => {
  it('grants the reward once with the domain key, marks the record claimed and returns a receipt', async () => {
    const granter = new InMemoryGranter();
    await arrangeRecord(f.repository, 'success', 'kills-10', 'completed');

    const receipt = await claimsWith(granter).claimReward('success', 'kills-10');

    const record = await f.repository.getProgress('success', 'kills-10');
    const expectedKey = claimIdempotencyKey({ id: 'kills-10', type: 'increment' }, { userId: 'success', completedAt: null, updatedAt: null });
    expect(granter.calls).toEqual([
      { idempotencyKey: expectedKey, userId: 'success', goalId: 'kills-10', namespace: 'game', reward: { type: 'ITEM', rewardId: 'sword', quantity: 1 } },
    ]);
    expect(record).toMatchObject({ status: 'claimed', progress: 10 });
    expect(record?.claimedAt).toBeInstanceOf(Date);
    expect(receipt).toEqual({
      userId: 'success',
      goalId: 'kills-10',
      reward: { type: 'ITEM', rewardId: 'sword', quantity: 1 },
      idempotencyKey: expectedKey,
      claimedAt: record?.claimedAt,
    });
  });

  it('GOAL_NOT_FOUND for a goal missing from the catalogue, without calling the granter', async () => {
    const granter = new InMemoryGranter();
    const error = await claimsWith(granter).claimReward('unknown-goal', 'no-such-goal').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GoalNotFoundError);
    expect(error).toMatchObject({ code: 'GOAL_NOT_FOUND', operation: 'claimReward', userId: 'unknown-goal', goalId: 'no-such-goal' });
    expect(granter.calls).toEqual([]);
  });

  it('GOAL_NOT_FOUND for a catalogue goal the player has no record of; nothing is written', async () => {
    const granter = new InMemoryGranter();
    const error = await claimsWith(granter).claimReward('no-record', 'kills-10').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GoalNotFoundError);
    expect(error).toMatchObject({ code: 'GOAL_NOT_FOUND' });
    expect(await f.repository.getProgress('no-record', 'kills-10')).toBeNull();
    expect(granter.calls).toEqual([]);
  });

  it.each(['not_started', 'in_progress'] as const)('GOAL_NOT_COMPLETED for a %s record, which stays as it was', async (status) => {
    const granter = new InMemoryGranter();
    const userId = `not-completed-${status}`;
    await arrangeRecord(f.repository, userId, 'kills-10', status);
    const before = await f.repository.getProgress(userId, 'kills-10');

    const error = await claimsWith(granter).claimReward(userId, 'kills-10').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(GoalNotCompletedError);
    expect(error).toMatchObject({ code: 'GOAL_NOT_COMPLETED', status });
    expect(await f.repository.getProgress(userId, 'kills-10')).toEqual(before);
    expect(granter.calls).toEqual([]);
  });

  it('GOAL_ALREADY_CLAIMED for a claimed record, and for the second claim of the same goal', async () => {
    const granter = new InMemoryGranter();
    await arrangeRecord(f.repository, 'claimed-before', 'kills-10', 'claimed');
    const first = await claimsWith(granter).claimReward('claimed-before', 'kills-10').catch((e: unknown) => e);
    expect(first).toBeInstanceOf(GoalAlreadyClaimedError);
    expect(first).toMatchObject({ code: 'GOAL_ALREADY_CLAIMED' });

    await arrangeRecord(f.repository, 'claims-twice', 'kills-10', 'completed');
    await claimsWith(granter).claimReward('claims-twice', 'kills-10');
    const second = await claimsWith(granter).claimReward('claims-twice', 'kills-10').catch((e: unknown) => e);
    expect(second).toBeInstanceOf(GoalAlreadyClaimedError);
    expect(granter.calls.map((c) => c.userId)).toEqual(['claims-twice']);
  });

  it('PREREQUISITES_NOT_MET while a prerequisite is missing or incomplete; granted once it is completed', async () => {
    const granter = new InMemoryGranter();
    const claims = claimsWith(granter);
    await arrangeRecord(f.repository, 'prereq', 'boss', 'completed');

    const withoutRecord = await claims.claimReward('prereq', 'boss').catch((e: unknown) => e);
    expect(withoutRecord).toBeInstanceOf(PrerequisitesNotMetError);
    expect(withoutRecord).toMatchObject({ code: 'PREREQUISITES_NOT_MET', missing: ['kills-10'] });

    await arrangeRecord(f.repository, 'prereq', 'kills-10', 'in_progress');
    const incomplete = await claims.claimReward('prereq', 'boss').catch((e: unknown) => e);
    expect(incomplete).toBeInstanceOf(PrerequisitesNotMetError);
    expect((await f.repository.getProgress('prereq', 'boss'))?.status).toBe('completed');
    expect(granter.calls).toEqual([]);

    await arrangeRecord(f.repository, 'prereq', 'kills-10', 'completed');
    const receipt = await claims.claimReward('prereq', 'boss');
    expect(receipt.reward).toEqual({ type: 'WALLET', rewardId: 'gold', quantity: 100 });
    expect(granter.calls).toHaveLength(1);
    expect((await f.repository.getProgress('prereq', 'boss'))?.status).toBe('claimed');
  });

  it('a claimed prerequisite counts as met', async () => {
    const granter = new InMemoryGranter();
    await arrangeRecord(f.repository, 'prereq-claimed', 'kills-10', 'claimed');
    await arrangeRecord(f.repository, 'prereq-claimed', 'boss', 'completed');
    await claimsWith(granter).claimReward('prereq-claimed', 'boss');
    expect(granter.calls).toHaveLength(1);
  });
});
