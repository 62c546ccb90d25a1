import { status } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallResult } from './support/ags-client.js';
import { connectToNats } from '@goals/event-stream';
import { eventually } from '@goals/runtime/testing';
import { natsBinary, startHarness, type IngressHarness } from './support/ingress-harness.js';
import { readStream } from './support/stream-contents.js';

/**
 * NATS stops in the middle of a run and comes back (same port, same store).
 * The contract: no call is answered OK unless the stream holds its message;
 * the callers' retries (as AGS retries an UNAVAILABLE) are stored once.
 */
const stat = (n: number) => ({
  id: `restart-${n}`,
  namespace: 'mygame',
  userId: `player-${n % 7}`,
  timestamp: '2026-12-01T12:00:00Z',
  payload: { statCode: 'kills', latestValue: n, inc: 1 },
});
// no id: the ingress derives it from the content, so the retry must derive the same one
const unnamedLogin = (n: number) => ({ namespace: 'mygame', userId: `player-${n % 7}`, timestamp: `2026-12-01T12:00:${String(n).padStart(2, '0')}Z` });

describe.skipIf(natsBinary === null)('ingress across a NATS restart', () => {
  let harness: IngressHarness;
  beforeAll(async () => {
    // one short attempt: a publish that cannot be acknowledged becomes UNAVAILABLE within a second
    harness = await startHarness({ partitions: 4, ackTimeoutMs: 1_000, publishAttempts: 1 }, 4);
  });
  afterAll(async () => {
    await harness.dispose();
  });

  it('answers UNAVAILABLE while NATS is down (nothing OK without a stored message), OK again after, and the retries are stored once', async () => {
    const { client, nats, ingress } = harness;
    const answered = new Map<string, CallResult>();
    const send = async (key: string, kind: 'statItemUpdated' | 'userLoggedIn', message: object) => {
      const result = await client.send(kind, message);
      if (result.ok) answered.set(key, result);
      return result;
    };

    // before: everything stored
    const first = await Promise.all([...Array.from({ length: 10 }, (_, n) => send(`stat-${n}`, 'statItemUpdated', stat(n))), ...Array.from({ length: 5 }, (_, n) => send(`login-${n}`, 'userLoggedIn', unnamedLogin(n)))]);
    expect(first.every((r) => r.ok)).toBe(true);
    expect(await readStream(harness.observer)).toHaveLength(15);

    // NATS gone: calls made now cannot be stored, so none may be OK (the ingress may not have noticed yet: the ack times out)
    await nats.stop();
    const during = await Promise.all([...Array.from({ length: 10 }, (_, n) => send(`stat-${n + 10}`, 'statItemUpdated', stat(n + 10))), ...Array.from({ length: 5 }, (_, n) => send(`login-${n + 5}`, 'userLoggedIn', unnamedLogin(n + 5)))]);
    expect(during.map((r) => (r.ok ? 'OK' : r.code))).toEqual(Array.from({ length: 15 }, () => status.UNAVAILABLE));
    await eventually(() => !ingress.server.readiness().ready, { timeoutMs: 15_000, intervalMs: 50, describe: () => 'the ingress to notice the lost connection' });
    expect(await client.send('statItemUpdated', stat(99))).toMatchObject({ ok: false, code: status.UNAVAILABLE, details: expect.stringMatching(/NATS is unreachable/) });
    expect(await client.health('')).toBe('NOT_SERVING');
    expect((await fetch(`http://127.0.0.1:${ingress.metricsPort}/readyz`)).status).toBe(503);

    // NATS back (same store): the callers retry what was not answered OK, and some of what was (a lost answer)
    await nats.start();
    await eventually(() => ingress.server.readiness().ready, { timeoutMs: 20_000, intervalMs: 50, describe: () => 'the ingress to reconnect' });
    expect(await client.health('')).toBe('SERVING');
    const retries: Array<Promise<CallResult>> = [];
    for (let n = 0; n < 20; n++) retries.push(retryUntilOk(() => send(`stat-${n}`, 'statItemUpdated', stat(n))));
    for (let n = 0; n < 10; n++) retries.push(retryUntilOk(() => send(`login-${n}`, 'userLoggedIn', unnamedLogin(n))));
    expect((await Promise.all(retries)).every((r) => r.ok)).toBe(true);

    // read back on a connection made after the restart: the harness's observer reconnects on its
    // own schedule, and a JetStream request of it can meet a disconnect the ingress has already left behind
    const reader = await connectToNats({ servers: nats.url, name: 'test-reader-after-restart' });
    const stored = await readStream(reader).finally(() => reader.close());
    const ids = stored.map((m) => m.msgId);
    // 20 stats + 10 logins, each once, whatever the number of attempts
    expect(stored).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    for (let n = 0; n < 20; n++) expect(ids).toContain(`restart-${n}`);
    expect(ids.filter((id) => id?.startsWith('sha256:'))).toHaveLength(10);
    expect(answered.size).toBe(30);
    expect(ids).not.toContain('restart-99');
  });
});

/** As AGS does with UNAVAILABLE: call again (a handful of times; each failed attempt took a bounded time). */
async function retryUntilOk(call: () => Promise<CallResult>): Promise<CallResult> {
  let result = await call();
  for (let attempt = 1; !result.ok && attempt < 10; attempt++) {
    expect(result.code).toBe(status.UNAVAILABLE);
    result = await call();
  }
  return result;
}
