import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IngressMetrics } from './metrics.js';

export interface Readiness {
  ready: boolean;
  reason: string;
}

/**
 * /metrics (Prometheus), /healthz (the process is alive), /readyz (serving
 * and connected to NATS; the body says why not). Requests and idle
 * connections are bounded, and close() ends every connection so a scraper
 * cannot hold a stopping ingress open.
 */
export class ObservabilityServer {
  readonly #server: Server;

  constructor(metrics: IngressMetrics, readiness: () => Readiness) {
    this.#server = createServer({ requestTimeout: 10_000, headersTimeout: 10_000, keepAliveTimeout: 5_000, connectionsCheckingInterval: 1_000 }, (request, response) => {
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
        const { ready, reason } = readiness();
        response.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' });
        response.end(`${reason}\n`);
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found: try /metrics, /healthz or /readyz\n');
      }
    });
  }

  async listen(port: number, host: string): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve());
    });
    return (this.#server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.#server.listening) return;
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }
}
