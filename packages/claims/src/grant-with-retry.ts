import { retryWithBackoff } from '@goals/runtime';
import { GrantTimeoutError } from './grant-timeout-error.js';
import type { GrantRequest, RewardGranter } from './reward-granter.port.js';
import { RetryableGrantError } from './retryable-grant-error.js';
import { RewardGrantFailedError } from './reward-grant-failed-error.js';
import { grantBackoff, type RetryPolicy } from './retry-policy.js';

/**
 * Calls `granter.grant` until it succeeds, retrying only RetryableGrantError
 * (a timed-out attempt included), at most `policy.attempts` times in all.
 * Every retry repeats the same idempotency key, so an attempt that did grant
 * but whose answer was lost is not granted again by a granter that honours
 * the contract. Each attempt is bounded by `policy.grantTimeoutMs`: the claim
 * holds a row lock and a pooled connection while the granter runs.
 */
export async function grantWithRetry(granter: RewardGranter, request: Omit<GrantRequest, 'signal'>, policy: RetryPolicy): Promise<void> {
  let attempts = 0;
  try {
    await retryWithBackoff(
      (attempt) => {
        attempts = attempt;
        return grantWithin(granter, request, policy.grantTimeoutMs);
      },
      { backoff: grantBackoff(policy), attempts: policy.attempts, retryIf: (error) => error instanceof RetryableGrantError },
    );
  } catch (error) {
    throw new RewardGrantFailedError(request.userId, request.goalId, request.idempotencyKey, attempts, error);
  }
}

/** One attempt; on timeout the granter's signal aborts (with the GrantTimeoutError) and the attempt is abandoned. */
async function grantWithin(granter: RewardGranter, request: Omit<GrantRequest, 'signal'>, timeoutMs: number): Promise<void> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new GrantTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  const granting = granter.grant({ ...request, signal: controller.signal });
  // an abandoned attempt may still fail later: that is no longer anybody's error
  granting.catch(() => undefined);
  try {
    await Promise.race([granting, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
