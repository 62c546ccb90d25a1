import type { Reward } from '@goals/domain';

/**
 * What the claim flow asks of the service that actually hands out rewards
 * (inventory, wallet). The adapter lives with the caller; this package only
 * needs `grant`.
 *
 * Contract:
 * - `idempotencyKey` identifies one claim: the same key may arrive more than
 *   once (a claim whose commit failed after a successful grant is retried
 *   with the same key), and the granter must grant it at most once — answering
 *   a repeat with success, not an error.
 * - Throw `RetryableGrantError` for failures worth trying again (timeouts,
 *   503s, throttling); anything else is taken as final.
 * - Each call is bounded by the claim flow's `grantTimeoutMs` (default 5 s):
 *   past it `signal` aborts and the attempt counts as a retryable failure.
 *   Pass `signal` on to your HTTP client so an abandoned call stops too.
 */
export interface RewardGranter {
  grant(request: GrantRequest): Promise<void>;
}

export interface GrantRequest {
  idempotencyKey: string;
  userId: string;
  goalId: string;
  namespace: string;
  reward: Reward;
  /** Aborts when the attempt's time (grantTimeoutMs) is up. */
  signal: AbortSignal;
}
