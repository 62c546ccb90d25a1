import { claimIdempotencyKey } from '@goals/domain';
import type { GoalRepository } from '@goals/prisma-repo';
import { describe, expect, it } from 'vitest';
import { createRewardClaims } from '../src/index.js';
import { InMemoryGranter } from './support/in-memory-granter.js';
import { arrangeRecord, catalogue, useClaimsDatabase } from './support/claims-fixture.js';

const f = useClaimsDatabase();

class SimulatedCommitFailure extends Error {}

/**
 * The repository, except that every transaction fails after its work has run:
 * the grant has happened and the claim was marked, then the transaction rolls
 * back — what a lost connection at COMMIT looks like to the claim flow.
 */
function repositoryFailingAtCommit(repository: GoalRepository): GoalRepository {
  return new Proxy(repository, {
    get(target, property) {
      if (property === 'withTransaction') {
        return <T>(work: Parameters<GoalRepository['withTransaction']>[0]) =>
          target.withTransaction(async (tx): Promise<T> => {
            await work(tx);
            throw new SimulatedCommitFailure('connection lost at COMMIT');
          });
      }
      const value: unknown = Reflect.get(target, property, target);
      // methods of the real repository use #private fields: call them on the target, not the proxy
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('a claim retried after its commit failed', () => {
  it.each([
    { goalId: 'kills-10', type: 'increment' as const },
    { goalId: 'daily-login', type: 'daily' as const },
  ])('reuses the idempotency key of the first attempt ($type goal), so the granter grants once', async ({ goalId, type }) => {
    const granter = new InMemoryGranter();
    const userId = `commit-lost-${type}`;
    await arrangeRecord(f.repository, userId, goalId, 'completed');
    const failing = createRewardClaims({ repository: repositoryFailingAtCommit(f.repository), catalogue, granter });
    const healthy = createRewardClaims({ repository: f.repository, catalogue, granter });

    await expect(failing.claimReward(userId, goalId)).rejects.toBeInstanceOf(SimulatedCommitFailure);
    expect((await f.repository.getProgress(userId, goalId))?.status).toBe('completed');

    const receipt = await healthy.claimReward(userId, goalId);

    const record = await f.repository.getProgress(userId, goalId);
    expect(record?.status).toBe('claimed');
    if (record === null) throw new Error('record vanished');
    const expectedKey = claimIdempotencyKey({ id: goalId, type }, record);
    expect(granter.calls.map((c) => c.idempotencyKey)).toEqual([expectedKey, expectedKey]);
    expect(receipt.idempotencyKey).toBe(expectedKey);
    expect(granter.grants.size).toBe(1);
  });
});
