import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ObservabilityServer } from '@goals/runtime';
import { WorkerMetrics } from '../src/observability/metrics.js';

let server: ObservabilityServer | undefined;
afterEach(async () => {
  await server?.close();
});

describe('observability server', () => {
  it('serves Prometheus metrics, liveness and readiness that follows the worker', async () => {
    const metrics = new WorkerMetrics({ defaultMetrics: false });
    metrics.events.inc({ outcome: 'applied' }, 3);
    metrics.deadLetters.inc({ code: 'MALFORMED_EVENT' });
    let ready = false;
    server = new ObservabilityServer(metrics, () => ready);
    const port = await server.listen(0);
    const get = (path: string) => fetch(`http://127.0.0.1:${port}${path}`);

    const body = await (await get('/metrics')).text();
    expect(body).toContain('goals_worker_events_total{outcome="applied"} 3');
    expect(body).toContain('goals_worker_dead_letters_total{code="MALFORMED_EVENT"} 1');
    expect(body).toContain('goals_worker_flush_duration_seconds_bucket');
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(503);
    ready = true;
    expect((await get('/readyz')).status).toBe(200);
    expect((await get('/nope')).status).toBe(404);
  });
});

describe('observability server bounds (issue #8 item 6)', () => {
  function halfRequest(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        // headers never finished: a scraper that hangs, or a hostile client
        socket.write('GET /metrics HTTP/1.1\r\nHost: x\r\n');
        socket.resume(); // read the 408, or 'close' never comes
        resolve({ socket, closed: new Promise((done) => socket.on('close', () => done())) });
      });
      socket.on('error', () => undefined);
      socket.once('error', reject);
    });
  }

  it('close() ends a half-sent request at once, so a finished replay exits instead of waiting on it', async () => {
    const own = new ObservabilityServer(new WorkerMetrics({ defaultMetrics: false }), () => true);
    const port = await own.listen(0);
    const { closed } = await halfRequest(port);
    await own.close();
    await closed;
  });

  it('cuts off a request that does not arrive within requestTimeoutMs', async () => {
    server = new ObservabilityServer(new WorkerMetrics({ defaultMetrics: false }), () => true, { requestTimeoutMs: 300 });
    const port = await server.listen(0);
    const { closed } = await halfRequest(port);
    await closed;
  });

  it('says why it is not ready', async () => {
    server = new ObservabilityServer(new WorkerMetrics({ defaultMetrics: false }), () => ({ ready: false, reason: 'flush in flight for 61 s: progress stalled' }));
    const port = await server.listen(0);
    const response = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('progress stalled');
  });
});
