import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What /metrics serves: a prom-client Registry fits (structural, so this package needs no prom-client). */
export interface MetricsRegistry {
  metrics(): Promise<string>;
  readonly contentType: string;
}

/** Why /readyz answers what it answers (the reason is its body). */
export interface Readiness {
  ready: boolean;
  reason: string;
}

export interface HttpTimeouts {
  /** A request (headers and body) must arrive within this; a client that sends half a request is cut off. Default 10 s. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. Default 5 s. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { requestTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000 };

/**
 * /metrics (Prometheus), /healthz (the process is alive), /readyz (the
 * caller's readiness; the body says why not), for every long-running process
 * of the project (worker, ingress). Requests and idle keep-alive connections
 * are bounded (HttpTimeouts), and close() ends every connection: a scraper or
 * a half-sent request must not keep a finished process alive.
 */
export class ObservabilityServer {
  readonly #server: Server;

  constructor(metrics: { registry: MetricsRegistry }, readiness: () => boolean | Readiness, timeouts: Partial<HttpTimeouts> = {}) {
    const t = { ...DEFAULT_HTTP_TIMEOUTS, ...timeouts };
    this.#server = createServer(
      {
        requestTimeout: t.requestTimeoutMs,
        headersTimeout: t.requestTimeoutMs,
        keepAliveTimeout: t.keepAliveTimeoutMs,
        // how often those bounds are checked (Node's default, 30 s, would let a half-sent request live that long)
        connectionsCheckingInterval: Math.min(1_000, t.requestTimeoutMs),
      },
      (request, response) => {
      const path = (request.url ?? '/').split('?')[0];
      if (path === '/metrics') {
        metrics.registry
          .metrics()
          .then((body) => {
            response.writeHead(200, { 'content-type': metrics.registry.contentType });
            response.end(body);
          })
          .catch((error: unknown) => {
            response.writeHead(500, { 'content-type': 'text/plain' });
            response.end(String(error));
          });
      } else if (path === '/healthz') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        response.end('ok\n');
      } else if (path === '/readyz') {
        const answer = readiness();
        const { ready, reason } = typeof answer === 'boolean' ? { ready: answer, reason: answer ? 'ready' : 'not ready' } : answer;
        response.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' });
        response.end(`${reason}\n`);
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found: try /metrics, /healthz or /readyz\n');
      }
      },
    );
  }

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve());
    });
    return (this.#server.address() as AddressInfo).port;
  }

  /** Stops listening and ends every connection, idle, keep-alive or half-sent. */
  async close(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }
}
