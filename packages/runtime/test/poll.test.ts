import { describe, expect, it } from 'vitest';
import { poll } from '../src/index.js';
import { eventually, freePort } from '../src/testing/index.js';
import net from 'node:net';

describe('poll', () => {
  it('resolves with the value that satisfied the condition', async () => {
    let calls = 0;
    const outcome = await poll(() => ++calls, (n) => n === 3, { intervalMs: 1, timeoutMs: 60_000 });
    expect(outcome).toEqual({ value: 3, done: true });
  });

  it('resolves with the last value, not done, when the time is up', async () => {
    const outcome = await poll(() => 'starting', (status) => status === 'ready', { intervalMs: 1, timeoutMs: 5 });
    expect(outcome).toEqual({ value: 'starting', done: false });
  });
});

describe('eventually', () => {
  it('returns once the condition holds', async () => {
    let calls = 0;
    await eventually(() => ++calls >= 2, { timeoutMs: 60_000, intervalMs: 1, describe: () => `calls ${calls}` });
    expect(calls).toBe(2);
  });

  it('fails with the description of the state it found', async () => {
    await expect(eventually(() => false, { timeoutMs: 5, intervalMs: 1, describe: async () => 'lease table: []' })).rejects.toThrow('condition not met within 5 ms: lease table: []');
  });
});

describe('freePort', () => {
  it('gives a port a server can listen on', async () => {
    const port = await freePort();
    const server = net.createServer();
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    const address = server.address();
    await new Promise((resolve) => server.close(resolve));
    expect(typeof address === 'object' && address !== null ? address.port : null).toBe(port);
  });
});
