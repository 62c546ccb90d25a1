import { GoalError } from '@goals/domain';

/**
 * The granter did not grant: it failed with a non-retryable error, or with
 * retryable ones on every attempt. The claim was rolled back, so the record is
 * still `completed` and the claim can be tried again later with the same
 * idempotency key.
 */
export class RewardGrantFailedError extends GoalError {
  constructor(
    readonly userId: string,
    readonly goalId: string,
    readonly idempotencyKey: string,
    /** How many times `grant` was called for this claim. */
    readonly attempts: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(
      'REWARD_GRANT_FAILED',
      'claimReward',
      `granting the reward of goal ${JSON.stringify(goalId)} to user ${JSON.stringify(userId)} failed after ${attempts} attempt(s): ${reason}; the claim was rolled back and may be retried`,
      { cause },
    );
  }
}
