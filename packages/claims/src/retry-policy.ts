import { ValidationError, type ValidationIssue } from '@goals/domain';
import type { BackoffPolicy } from '@goals/runtime';

export interface RetryOptions {
  /** Calls of `grant` per claim, the first included. Default 3. */
  attempts?: number;
  /** Wait before the second attempt; doubles each time. Default 50 ms. */
  baseDelayMs?: number;
  /** Upper bound of one wait. Default 1000 ms. */
  maxDelayMs?: number;
  /** Upper bound of one `grant` call; a slower one counts as a retryable failure (GrantTimeoutError). Default 5000 ms. */
  grantTimeoutMs?: number;
}

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly grantTimeoutMs: number;
}

const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 3, baseDelayMs: 50, maxDelayMs: 1000, grantTimeoutMs: 5000 };

/** Defaults filled in and checked once, when the use-case is created, not on every claim. */
export function resolveRetryPolicy(options: RetryOptions | undefined): RetryPolicy {
  const policy: RetryPolicy = {
    attempts: options?.attempts ?? DEFAULT_RETRY_POLICY.attempts,
    baseDelayMs: options?.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
    maxDelayMs: options?.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    grantTimeoutMs: options?.grantTimeoutMs ?? DEFAULT_RETRY_POLICY.grantTimeoutMs,
  };
  const issues: ValidationIssue[] = [];
  if (!Number.isSafeInteger(policy.attempts) || policy.attempts < 1) issues.push({ path: 'retry.attempts', message: 'must be an integer ≥ 1' });
  for (const key of ['baseDelayMs', 'maxDelayMs'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0) issues.push({ path: `retry.${key}`, message: 'must be a finite number ≥ 0' });
  }
  if (!Number.isSafeInteger(policy.grantTimeoutMs) || policy.grantTimeoutMs < 1) issues.push({ path: 'retry.grantTimeoutMs', message: 'must be an integer ≥ 1' });
  if (issues.length > 0) throw new ValidationError('createRewardClaims', issues);
  return policy;
}

/**
 * The wait after a failed grant: base · 2^(n-1), capped, with "equal jitter"
 * (half fixed, half random) so claims that failed together against an
 * overloaded granter do not all come back at the same instant. The formula is
 * `@goals/runtime`'s one backoff.
 */
export function grantBackoff(policy: RetryPolicy): BackoffPolicy {
  return { baseMs: policy.baseDelayMs, maxMs: policy.maxDelayMs, jitter: 'equal' };
}
