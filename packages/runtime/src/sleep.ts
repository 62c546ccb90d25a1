import { setTimeout as delay } from 'node:timers/promises';

export interface SleepOptions {
  /** false: the timer does not keep the process alive (a background retry loop). Default true. */
  ref?: boolean;
}

/**
 * Waits `ms` milliseconds, or less when `signal` aborts. Resolves `true` when
 * the time passed and `false` when the signal cut it short (already aborted
 * included); it never rejects on abort, so a retry or scan loop reads
 * `if (!(await sleep(ms, signal))) break;` instead of catching AbortError.
 * Built on `node:timers/promises`, which removes its abort listener itself
 * (a long-lived signal does not collect one listener per wait).
 */
export async function sleep(ms: number, signal?: AbortSignal, options: SleepOptions = {}): Promise<boolean> {
  if (signal?.aborted === true) return false;
  try {
    await delay(ms, undefined, { signal, ref: options.ref ?? true });
    return true;
  } catch (error) {
    if (isAborted(signal)) return false;
    throw error;
  }
}

/** Read through a function: the signal aborts while the wait is pending, which narrowing cannot see. */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}
