import assert from 'node:assert/strict';
import { decideClaim, type CatalogueIndex, type Reward, type UserGoalProgress } from '@goals/domain';
import type { GoalRepository, TxRepository } from '@goals/domain';
import { claimRefusalError } from './claim-refusal-error.js';
import { grantWithRetry } from './grant-with-retry.js';
import type { RewardGranter } from './reward-granter.port.js';
import { resolveRetryPolicy, type RetryOptions } from './retry-policy.js';

export interface CreateRewardClaimsOptions {
  repository: GoalRepository;
  catalogue: CatalogueIndex;
  granter: RewardGranter;
  /** Retries of RetryableGrantError only. Default: 3 attempts, 50 ms doubling, at most 1000 ms per wait, each grant call at most 5000 ms. */
  retry?: RetryOptions;
}

export interface ClaimReceipt {
  userId: string;
  goalId: string;
  reward: Reward;
  /** The key the granter received; the same for every retry of this claim. */
  idempotencyKey: string;
  /** As stored by markAsClaimed (the claiming transaction's start time). */
  claimedAt: Date;
}

export interface RewardClaims {
  /**
   * Grants a completed goal's reward once and marks it claimed, in one
   * transaction. Throws GoalNotFoundError, GoalNotCompletedError,
   * GoalAlreadyClaimedError, PrerequisitesNotMetError (all from
   * `@goals/domain`), RewardGrantFailedError, or the repository's
   * ValidationError / DatabaseError; whenever it throws, nothing was claimed.
   */
  claimReward(userId: string, goalId: string): Promise<ClaimReceipt>;
}

/**
 * The claim flow of SPEC §5. Per claim, in one transaction:
 *   lock the record (FOR UPDATE) → read the prerequisites' records →
 *   decideClaim (the domain's rules) → grant with the decision's idempotency
 *   key, retrying retryable failures → markAsClaimed → commit.
 * Any throw rolls the transaction back, so the record stays claimable.
 *
 * The lock is held across the grant on purpose: a concurrent claim of the same
 * record waits at the FOR UPDATE and then sees `claimed`, so one claim means
 * one grant even with a granter that does not deduplicate.
 */
export function createRewardClaims(options: CreateRewardClaimsOptions): RewardClaims {
  const { repository, catalogue, granter } = options;
  const retryPolicy = resolveRetryPolicy(options.retry);

  return {
    async claimReward(userId: string, goalId: string): Promise<ClaimReceipt> {
      const goal = catalogue.goal(goalId);
      if (goal === undefined) {
        // an unknown goal has no row worth locking: let the domain refuse it without a transaction
        const refusal = decideClaim({ goal, record: null, prerequisites: new Map() });
        assert(!refusal.ok, 'decideClaim accepted a goal missing from the catalogue');
        throw claimRefusalError(refusal, userId, goalId);
      }

      return repository.withTransaction(async (tx) => {
        const record = await tx.getProgressForUpdate(userId, goalId);
        const prerequisites = await readPrerequisiteRecords(tx, userId, goal.prerequisites);
        const decision = decideClaim({ goal, record, prerequisites });
        if (!decision.ok) throw claimRefusalError(decision, userId, goalId);
        assert(record !== null, 'decideClaim accepted a claim without a progress record');

        const { idempotencyKey } = decision;
        // a copy: the granter and the caller must not be able to change the catalogue's reward
        const reward = { ...goal.reward };
        await grantWithRetry(granter, { idempotencyKey, userId, goalId, namespace: record.namespace, reward }, retryPolicy);
        const claimedAt = await tx.markAsClaimed(userId, goalId);
        return { userId, goalId, reward, idempotencyKey, claimedAt };
      });
    },
  };
}

/**
 * Not locked: completion is sticky on every effect path (a daily goal's
 * reopening goes claimed → completed, still complete), so a prerequisite seen
 * complete here stays complete until the claim commits. Only upsertProgress,
 * an administrative overwrite, could undo it concurrently; locking every
 * prerequisite for that would add lock waits to every claim.
 */
async function readPrerequisiteRecords(tx: TxRepository, userId: string, prerequisiteIds: readonly string[]): Promise<Map<string, UserGoalProgress | null>> {
  const records = new Map<string, UserGoalProgress | null>();
  // one after another: the statements share the transaction's single connection anyway
  for (const prerequisiteId of prerequisiteIds) records.set(prerequisiteId, await tx.getProgress(userId, prerequisiteId));
  return records;
}
