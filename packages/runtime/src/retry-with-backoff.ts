import { backoffDelayMs, type BackoffPolicy } from './backoff.js';
import { sleep } from './sleep.js';

export interface RetryWithBackoffOptions {
  backoff: BackoffPolicy;
  /** Attempts in all, the first included; default: until the work succeeds, `retryIf` refuses or `signal` aborts. */
  attempts?: number;
  /** Stops the waiting between attempts: the loop then rejects with the last failure. */
  signal?: AbortSignal;
  /** false: the failure is final and rethrown at once (a server's refusal, a validation error). Default: every failure is retried. */
  retryIf?: (error: unknown, attempt: number) => boolean;
  /** Told before each wait (log it, count it, mark the caller not ready). */
  onRetry?: (error: unknown, retry: { attempt: number; delayMs: number }) => void;
  /** false: the waits do not keep the process alive. */
  ref?: boolean;
  random?: () => number;
}

/**
 * Runs `work(attempt)` until it resolves. A failure is retried after the
 * policy's wait unless `retryIf` says no, the attempts are used up, or
 * `signal` aborted (before or during the wait); then the last failure is
 * rethrown as it was, so callers keep their own error types. Decided against
 * `p-retry`: it wraps refusals in its own AbortError and brings its own
 * timing; this loop is 30 lines on the one sleep and the one backoff.
 */
export async function retryWithBackoff<T>(work: (attempt: number) => Promise<T>, options: RetryWithBackoffOptions): Promise<T> {
  const attempts = options.attempts ?? Number.POSITIVE_INFINITY;
  if (!(attempts >= 1)) throw new RangeError(`attempts must be ≥ 1, got ${attempts}`);
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work(attempt);
    } catch (error) {
      if (attempt >= attempts || options.signal?.aborted === true) throw error;
      if (options.retryIf !== undefined && !options.retryIf(error, attempt)) throw error;
      const delayMs = backoffDelayMs(options.backoff, attempt, options.random);
      options.onRetry?.(error, { attempt, delayMs });
      if (!(await sleep(delayMs, options.signal, { ref: options.ref ?? true }))) throw error;
    }
  }
}
