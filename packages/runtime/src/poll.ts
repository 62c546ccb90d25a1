import { sleep } from './sleep.js';

export interface PollOptions {
  intervalMs: number;
  timeoutMs: number;
  signal?: AbortSignal;
}

/**
 * Calls `probe` until `done(value)` holds, `timeoutMs` passed or `signal`
 * aborted, waiting `intervalMs` between calls; resolves with the last value
 * and whether it was done. For state that announces no event (a process
 * gone, a pid file's status line); anything that can be awaited should be.
 */
export async function poll<T>(probe: () => Promise<T> | T, done: (value: T) => boolean, options: PollOptions): Promise<{ value: T; done: boolean }> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return { value, done: true };
    if (Date.now() >= deadline || options.signal?.aborted === true) return { value, done: false };
    if (!(await sleep(Math.min(options.intervalMs, Math.max(0, deadline - Date.now())), options.signal))) return { value, done: false };
  }
}
