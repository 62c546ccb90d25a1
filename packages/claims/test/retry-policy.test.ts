import { ValidationError } from '@goals/domain';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '@goals/runtime';
import { grantBackoff, resolveRetryPolicy } from '../src/retry-policy.js';

describe('retry policy', () => {
  it('defaults: 3 attempts, 50 ms doubling, capped at 1000 ms, 5 s per grant call', () => {
    expect(resolveRetryPolicy(undefined)).toEqual({ attempts: 3, baseDelayMs: 50, maxDelayMs: 1000, grantTimeoutMs: 5000 });
    expect(resolveRetryPolicy({ attempts: 5 })).toEqual({ attempts: 5, baseDelayMs: 50, maxDelayMs: 1000, grantTimeoutMs: 5000 });
  });

  it('waits grow exponentially up to the cap, with at most half of each wait random', () => {
    const policy = grantBackoff(resolveRetryPolicy({ baseDelayMs: 50, maxDelayMs: 300 }));
    const lowest = () => 0;
    const highest = () => 1;
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(policy, n, highest))).toEqual([50, 100, 200, 300, 300]);
    expect([1, 2, 3, 4, 5].map((n) => backoffDelayMs(policy, n, lowest))).toEqual([25, 50, 100, 150, 150]);
  });

  it.each([{ attempts: 0 }, { attempts: 1.5 }, { baseDelayMs: -1 }, { maxDelayMs: Number.NaN }])('rejects %o with VALIDATION_FAILED', (options) => {
    expect(() => resolveRetryPolicy(options)).toThrow(ValidationError);
  });
});
