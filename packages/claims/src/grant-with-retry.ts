import { setTimeout as sleep } from 'node:timers/promises';
import type { GrantRequest, RewardGranter } from './reward-granter.port.js';
import { RetryableGrantError } from './retryable-grant-error.js';
import { RewardGrantFailedError } from './reward-grant-failed-error.js';
import { backoffDelayMs, type RetryPolicy } from './retry-policy.js';

/**
 * Calls `granter.grant` until it succeeds, retrying only RetryableGrantError,
 * at most `policy.attempts` times in all. Every retry repeats the same
 * idempotency key, so an attempt that did grant but whose answer was lost is
 * not granted again by a granter that honours the contract.
 */
export async function grantWithRetry(granter: RewardGranter, request: GrantRequest, policy: RetryPolicy): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await granter.grant(request);
      return;
    } catch (error) {
      if (!(error instanceof RetryableGrantError) || attempt >= policy.attempts) {
        throw new RewardGrantFailedError(request.userId, request.goalId, request.idempotencyKey, attempt, error);
      }
      await sleep(backoffDelayMs(policy, attempt));
    }
  }
}
