import { afterEach, describe, expect, it } from 'vitest';
import { ObservabilityServer } from '../src/observability/http-server.js';
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
