import { createServer, connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP proxy a test controls, in front of a real PostgreSQL: `stall()`
 * makes the peer stop answering (bytes are held in both directions, no
 * connection is closed — what a network partition or a frozen host looks
 * like to the client), `resume()` delivers what was held and flows again.
 * `url(databaseUrl)` is that URL pointed at the proxy.
 */
export class StallingTcpProxy {
  readonly #server = createServer((client) => this.#pipe(client));
  readonly #sockets = new Set<Socket>();
  readonly #targetHost: string;
  readonly #targetPort: number;
  #stalled = false;
  #resumers: (() => void)[] = [];
  #port = 0;

  private constructor(targetHost: string, targetPort: number) {
    this.#targetHost = targetHost;
    this.#targetPort = targetPort;
  }

  /** A proxy to the server of `databaseUrl`, listening on 127.0.0.1 on a free port. */
  static async start(databaseUrl: string): Promise<StallingTcpProxy> {
    const target = new URL(databaseUrl);
    const proxy = new StallingTcpProxy(target.hostname, Number(target.port || 5432));
    await new Promise<void>((resolve) => proxy.#server.listen(0, '127.0.0.1', resolve));
    proxy.#port = (proxy.#server.address() as AddressInfo).port;
    return proxy;
  }

  url(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.#port);
    return url.toString();
  }

  stall(): void {
    this.#stalled = true;
  }

  resume(): void {
    this.#stalled = false;
    for (const resume of this.#resumers.splice(0)) resume();
  }

  async close(): Promise<void> {
    this.resume();
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #pipe(client: Socket): void {
    const upstream = connect(this.#targetPort, this.#targetHost);
    for (const socket of [client, upstream]) {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    this.#forward(client, upstream);
    this.#forward(upstream, client);
  }

  #forward(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (!this.#stalled) {
        to.write(chunk);
        return;
      }
      // hold this chunk (and, with the source paused, everything after it) until resume()
      from.pause();
      this.#resumers.push(() => {
        to.write(chunk);
        from.resume();
      });
    });
    from.on('end', () => to.end());
  }
}
