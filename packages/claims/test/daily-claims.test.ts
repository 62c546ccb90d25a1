import { claimIdempotencyKey, GoalAlreadyClaimedError, utcDay } from '@goals/domain';
import { describe, expect, it } from 'vitest';
import { createRewardClaims } from '../src/index.js';
import { InMemoryGranter } from './support/in-memory-granter.js';
import { catalogue, useClaimsDatabase } from './support/claims-fixture.js';

const f = useClaimsDatabase();
const DAY_MS = 24 * 60 * 60 * 1000;

function completeDailyLogin(userId: string, at: Date): Promise<void> {
  return f.repository.batchCompleteDaily([{ userId, goalId: 'daily-login', challengeId: 'season-1', namespace: 'game', targetValue: 1, at }]);
}

describe('daily goals: claimable once per UTC day', () => {
  it('claimed on day 1, reopened by day 2’s completion, claimed again under day 2’s key', async () => {
    const granter = new InMemoryGranter();
    const claims = createRewardClaims({ repository: f.repository, catalogue, granter });
    const userId = 'daily-player';

    // day 1 is "now": markAsClaimed stamps claimedAt with the database clock, and
    // only a completion on a later UTC day than the claim reopens the goal
    await completeDailyLogin(userId, new Date());
    const first = await claims.claimReward(userId, 'daily-login');
    const claimedOnDay1 = await f.repository.getProgress(userId, 'daily-login');
    expect(claimedOnDay1?.status).toBe('claimed');
    const claimedAt = claimedOnDay1?.claimedAt;
    if (!(claimedAt instanceof Date)) throw new Error('claimed record without claimedAt');

    // a second completion on the same day changes nothing: still claimed, no second grant
    await completeDailyLogin(userId, claimedAt);
    await expect(claims.claimReward(userId, 'daily-login')).rejects.toBeInstanceOf(GoalAlreadyClaimedError);

    const day2 = new Date(claimedAt.getTime() + DAY_MS);
    await completeDailyLogin(userId, day2);
    const reopened = await f.repository.getProgress(userId, 'daily-login');
    expect(reopened).toMatchObject({ status: 'completed', claimedAt: null, completedAt: day2 });

    const second = await claims.claimReward(userId, 'daily-login');

    expect(second.idempotencyKey).not.toBe(first.idempotencyKey);
    expect(second.idempotencyKey).toBe(JSON.stringify([userId, 'daily-login', utcDay(day2)]));
    expect(granter.calls.map((c) => c.idempotencyKey)).toEqual([first.idempotencyKey, second.idempotencyKey]);
    expect(granter.grants.size).toBe(2);
    expect(granter.calls.every((c) => c.reward.rewardId === 'coins')).toBe(true);
    const record = await f.repository.getProgress(userId, 'daily-login');
    expect(record?.status).toBe('claimed');
    if (record !== null) expect(second.idempotencyKey).toBe(claimIdempotencyKey({ id: 'daily-login', type: 'daily' }, record));
  });
});
