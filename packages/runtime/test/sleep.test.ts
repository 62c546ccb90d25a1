import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import { sleep } from '../src/index.js';

describe('sleep', () => {
  it('resolves true once the time has passed', async () => {
    expect(await sleep(5)).toBe(true);
  });

  it('resolves false, never rejects, when the signal aborts during the wait', async () => {
    const controller = new AbortController();
    const waiting = sleep(60_000, controller.signal);
    setImmediate(() => controller.abort(new Error('stop')));
    expect(await waiting).toBe(false);
  });

  it('resolves false at once for a signal already aborted', async () => {
    expect(await sleep(60_000, AbortSignal.abort())).toBe(false);
  });

  it('leaves no listener on a long-lived signal after each wait', async () => {
    const controller = new AbortController();
    for (let i = 0; i < 5; i++) await sleep(1, controller.signal);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
