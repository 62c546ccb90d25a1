import { describe, expect, it } from 'vitest';
import { createRewardClaims, GrantTimeoutError, RetryableGrantError, RewardGrantFailedError } from '../src/index.js';
import { InMemoryGranter } from './support/in-memory-granter.js';
import { arrangeRecord, catalogue, useClaimsDatabase } from './support/claims-fixture.js';

const f = useClaimsDatabase();

function claimsWith(granter: InMemoryGranter, attempts = 3) {
  return createRewardClaims({ repository: f.repository, catalogue, granter, retry: { attempts, baseDelayMs: 1, maxDelayMs: 1 } });
}

describe('granting with retries', () => {
  it('retries retryable failures with the same key and claims once the grant succeeds', async () => {
    const granter = new InMemoryGranter().failNext(new RetryableGrantError('timeout'), new RetryableGrantError('503'));
    await arrangeRecord(f.repository, 'retry-then-ok', 'kills-10', 'completed');

    const receipt = await claimsWith(granter, 3).claimReward('retry-then-ok', 'kills-10');

    expect(granter.calls).toHaveLength(3);
    expect(new Set(granter.calls.map((c) => c.idempotencyKey))).toEqual(new Set([receipt.idempotencyKey]));
    expect(granter.grants.size).toBe(1);
    expect((await f.repository.getProgress('retry-then-ok', 'kills-10'))?.status).toBe('claimed');
  });

  it('a non-retryable failure ends the claim after one attempt: REWARD_GRANT_FAILED, record not claimed', async () => {
    const refusal = new Error('reward catalogue has no item "sword"');
    const granter = new InMemoryGranter().failNext(refusal);
    await arrangeRecord(f.repository, 'non-retryable', 'kills-10', 'completed');

    const error = await claimsWith(granter, 5).claimReward('non-retryable', 'kills-10').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RewardGrantFailedError);
    expect(error).toMatchObject({ code: 'REWARD_GRANT_FAILED', operation: 'claimReward', attempts: 1, cause: refusal, userId: 'non-retryable', goalId: 'kills-10' });
    expect(granter.calls).toHaveLength(1);
    expect((await f.repository.getProgress('non-retryable', 'kills-10'))).toMatchObject({ status: 'completed', claimedAt: null });
  });

  it('exhausted attempts: REWARD_GRANT_FAILED with the last cause, exactly `attempts` calls, record not claimed', async () => {
    const last = new RetryableGrantError('third timeout');
    const granter = new InMemoryGranter().failNext(new RetryableGrantError('t1'), new RetryableGrantError('t2'), last, new RetryableGrantError('never reached'));
    await arrangeRecord(f.repository, 'exhausted', 'kills-10', 'completed');

    const error = await claimsWith(granter, 3).claimReward('exhausted', 'kills-10').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RewardGrantFailedError);
    expect(error).toMatchObject({ code: 'REWARD_GRANT_FAILED', attempts: 3, cause: last });
    expect(granter.calls).toHaveLength(3);
    expect((await f.repository.getProgress('exhausted', 'kills-10'))).toMatchObject({ status: 'completed', claimedAt: null });

    // the failed claim left the record claimable: a later attempt grants under the same key
    const receipt = await claimsWith(granter, 3).claimReward('exhausted', 'kills-10');
    expect(granter.calls).toHaveLength(5);
    expect(granter.calls[4]?.idempotencyKey).toBe(receipt.idempotencyKey);
    expect(granter.calls[0]?.idempotencyKey).toBe(receipt.idempotencyKey);
  });

  it('attempts: 1 means no retry at all', async () => {
    const granter = new InMemoryGranter().failNext(new RetryableGrantError('timeout'));
    await arrangeRecord(f.repository, 'single-attempt', 'kills-10', 'completed');
    const error = await claimsWith(granter, 1).claimReward('single-attempt', 'kills-10').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REWARD_GRANT_FAILED', attempts: 1 });
    expect(granter.calls).toHaveLength(1);
  });
});

describe('a granter that never answers (issue #8 item 6)', () => {
  it('each attempt ends after grantTimeoutMs: REWARD_GRANT_FAILED caused by GrantTimeoutError, signals aborted, the row lock released', async () => {
    const signals: AbortSignal[] = [];
    const silent = { grant: ({ signal }: { signal: AbortSignal }) => (signals.push(signal), new Promise<void>(() => undefined)) };
    await arrangeRecord(f.repository, 'silent-granter', 'kills-10', 'completed');
    const claims = createRewardClaims({ repository: f.repository, catalogue, granter: silent, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1, grantTimeoutMs: 150 } });

    const error = await claims.claimReward('silent-granter', 'kills-10').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RewardGrantFailedError);
    expect(error).toMatchObject({ code: 'REWARD_GRANT_FAILED', attempts: 2 });
    expect((error as Error).cause).toBeInstanceOf(GrantTimeoutError);
    expect(signals.map((s) => s.aborted)).toEqual([true, true]);
    // the claim's transaction rolled back: another writer can lock the row at once
    const tx = await f.repository.beginTx();
    try {
      expect((await tx.getProgressForUpdate('silent-granter', 'kills-10'))?.status).toBe('completed');
    } finally {
      await tx.rollback();
    }
  });
});
