/**
 * One backoff for every retry loop: the wait after failed attempt n (1-based)
 * is `baseMs · 2^(n−1)`, capped at `maxMs`, then jittered:
 * - `none`: exactly that (a single process retrying one resource: the
 *   worker's flush, its NATS consumer, its lock connection);
 * - `equal`: half fixed, half random (many callers that failed together
 *   against one overloaded dependency, e.g. claims against a granter);
 * - `full`: anywhere from 0 to that (AWS's "full jitter": the least
 *   contention, the least predictable wait).
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  jitter?: 'none' | 'equal' | 'full';
}

export function backoffDelayMs(policy: BackoffPolicy, failedAttempt: number, random: () => number = Math.random): number {
  if (!Number.isSafeInteger(failedAttempt) || failedAttempt < 1) throw new RangeError(`failed attempt must be an integer ≥ 1, got ${failedAttempt}`);
  // the exponent is capped so a long outage cannot overflow to Infinity before the cap applies
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failedAttempt - 1, 52));
  switch (policy.jitter ?? 'none') {
    case 'none':
      return exponential;
    case 'equal':
      return exponential / 2 + (random() * exponential) / 2;
    case 'full':
      return random() * exponential;
  }
}
