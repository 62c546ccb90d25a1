import { describe, expect, it } from 'vitest';
import { retryWithBackoff } from '../src/index.js';

const fast = { baseMs: 1, maxMs: 2 };

describe('retryWithBackoff', () => {
  it('retries until the work succeeds, telling each wait', async () => {
    const retries: { attempt: number; delayMs: number }[] = [];
    const result = await retryWithBackoff(
      async (attempt) => {
        if (attempt < 3) throw new Error(`failure ${attempt}`);
        return attempt;
      },
      { backoff: fast, onRetry: (_error, retry) => retries.push(retry) },
    );
    expect(result).toBe(3);
    expect(retries).toEqual([{ attempt: 1, delayMs: 1 }, { attempt: 2, delayMs: 2 }]);
  });

  it('rethrows the last failure as it was once the attempts are used up', async () => {
    const failures = [new Error('a'), new Error('b')];
    let calls = 0;
    const outcome = retryWithBackoff(() => Promise.reject(failures[calls++] ?? new Error('more')), { backoff: fast, attempts: 2 });
    await expect(outcome).rejects.toBe(failures[1]);
    expect(calls).toBe(2);
  });

  it('does not retry a failure retryIf refuses', async () => {
    let calls = 0;
    const refusal = new TypeError('final');
    await expect(retryWithBackoff(() => (calls++, Promise.reject(refusal)), { backoff: fast, retryIf: (error) => !(error instanceof TypeError) })).rejects.toBe(refusal);
    expect(calls).toBe(1);
  });

  it('stops waiting when the signal aborts and rethrows the failure that made it wait', async () => {
    const controller = new AbortController();
    const failure = new Error('away');
    let calls = 0;
    const outcome = retryWithBackoff(
      () => {
        calls += 1;
        return Promise.reject(failure);
      },
      { backoff: { baseMs: 60_000, maxMs: 60_000 }, signal: controller.signal, onRetry: () => setImmediate(() => controller.abort()) },
    );
    await expect(outcome).rejects.toBe(failure);
    expect(calls).toBe(1);
  });
});
