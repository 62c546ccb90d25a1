import { describe, expect, it } from 'vitest';
import { backoffDelayMs } from '../src/index.js';

describe('backoffDelayMs', () => {
  it('doubles from the base and stops at the cap without jitter', () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs({ baseMs: 100, maxMs: 5_000 }, n));
    expect(delays).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000]);
  });

  it('equal jitter keeps half of the wait fixed', () => {
    const policy = { baseMs: 50, maxMs: 1_000, jitter: 'equal' as const };
    expect(backoffDelayMs(policy, 3, () => 0)).toBe(100);
    expect(backoffDelayMs(policy, 3, () => 0.999_999)).toBeCloseTo(200, 3);
    expect(backoffDelayMs(policy, 10, () => 0.5)).toBe(750);
  });

  it('full jitter spans zero to the capped wait', () => {
    const policy = { baseMs: 50, maxMs: 1_000, jitter: 'full' as const };
    expect(backoffDelayMs(policy, 2, () => 0)).toBe(0);
    expect(backoffDelayMs(policy, 2, () => 0.5)).toBe(50);
  });

  it('stays at the cap after a very long outage instead of overflowing', () => {
    expect(backoffDelayMs({ baseMs: 100, maxMs: 5_000 }, 10_000)).toBe(5_000);
  });

  it('refuses an attempt number below 1', () => {
    expect(() => backoffDelayMs({ baseMs: 1, maxMs: 2 }, 0)).toThrow(RangeError);
  });
});
