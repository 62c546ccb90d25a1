export { createRewardClaims, type CreateRewardClaimsOptions, type RewardClaims, type ClaimReceipt } from './create-reward-claims.js';
export type { RewardGranter, GrantRequest } from './reward-granter.port.js';
export { RetryableGrantError } from './retryable-grant-error.js';
export { GrantTimeoutError } from './grant-timeout-error.js';
export { RewardGrantFailedError } from './reward-grant-failed-error.js';
export type { RetryOptions } from './retry-policy.js';
