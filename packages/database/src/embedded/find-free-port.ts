import net from 'node:net';

/**
 * `preferred` if nothing listens there, else a port the OS picks. Another
 * process can still take the port before PostgreSQL binds it; the caller
 * retries on "address in use".
 */
export async function findFreePort(preferred: number, host = '127.0.0.1'): Promise<number> {
  return (await tryListen(preferred, host)) ?? (await tryListen(0, host)) ?? raise(host);
}

function tryListen(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE' || error.code === 'EACCES') resolve(undefined);
      else reject(error);
    });
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address();
      const bound = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

function raise(host: string): never {
  throw new Error(`no free TCP port on ${host}`);
}
