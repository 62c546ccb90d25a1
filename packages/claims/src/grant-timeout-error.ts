import { RetryableGrantError } from './retryable-grant-error.js';

/**
 * A grant attempt that did not answer within `grantTimeoutMs` (code
 * REWARD_GRANT_TIMEOUT). Retryable:
 * the next attempt repeats the idempotency key, so a grant that did happen
 * late is not granted twice by a granter that honours the contract. After
 * the last attempt it is the cause of RewardGrantFailedError, and the claim's
 * transaction rolls back — the row lock and the connection are released.
 */
export class GrantTimeoutError extends RetryableGrantError {
  constructor(readonly timeoutMs: number) {
    super(`the reward granter did not answer within ${timeoutMs} ms (grantTimeoutMs)`, { code: 'REWARD_GRANT_TIMEOUT' });
  }
}
