import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WorkerMetrics } from './metrics.js';

/** /metrics (Prometheus), /healthz (the process is alive), /readyz (reading and able to flush). */
export class ObservabilityServer {
  readonly #server: Server;

  constructor(metrics: WorkerMetrics, isReady: () => boolean) {
    this.#server = createServer((request, response) => {
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
        const ready = isReady();
        response.writeHead(ready ? 200 : 503, { 'content-type': 'text/plain' });
        response.end(ready ? 'ready\n' : 'not ready\n');
      } else {
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found: try /metrics, /healthz or /readyz\n');
      }
    });
  }

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve());
    });
    return (this.#server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    if (!this.#server.listening) return;
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
