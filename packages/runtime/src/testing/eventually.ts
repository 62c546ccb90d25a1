import { poll } from '../poll.js';

export interface EventuallyOptions {
  /** How long the condition may take; past it the test fails with `describe()`. */
  timeoutMs: number;
  /** What the state was instead (the assertion message): a row count, a lease table, a metric. */
  describe: () => Promise<string> | string;
  /** Between checks (default 200 ms). */
  intervalMs?: number;
}

/**
 * Waits for a condition a test cannot await as an event (another process's
 * rows, a worker's /metrics); throws with `describe()` when it does not hold
 * within `timeoutMs`. The timeout is a bound on a hang, not a timing
 * assertion: a slow machine passes, it only takes longer.
 */
export async function eventually(condition: () => Promise<boolean> | boolean, options: EventuallyOptions): Promise<void> {
  const outcome = await poll(condition, (held) => held, { intervalMs: options.intervalMs ?? 200, timeoutMs: options.timeoutMs });
  if (!outcome.done) throw new Error(`condition not met within ${options.timeoutMs} ms: ${await options.describe()}`);
}
