import { GoalError, type GoalErrorCode } from '@goals/domain';

/**
 * Thrown by a RewardGranter for a failure that may succeed on a later attempt
 * (timeout, throttling, a 5xx). The claim flow retries only these; every other
 * error ends the claim at once, because repeating a refused grant cannot help.
 * In the domain's error family (code REWARD_GRANT_RETRYABLE), like every
 * error of @goals/claims.
 */
export class RetryableGrantError extends GoalError {
  constructor(message: string, options?: { cause?: unknown; code?: Extract<GoalErrorCode, 'REWARD_GRANT_RETRYABLE' | 'REWARD_GRANT_TIMEOUT'> }) {
    super(options?.code ?? 'REWARD_GRANT_RETRYABLE', 'grant', message, options);
  }
}
