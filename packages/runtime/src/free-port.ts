import net from 'node:net';

/**
 * `preferred` if nothing listens there (0 or absent: let the OS pick), else a
 * port the OS picks. Another process can still take the port before the
 * caller binds it, so a server started on it must handle "address in use".
 */
export async function findFreePort(options: { preferred?: number; host?: string } = {}): Promise<number> {
  const host = options.host ?? '127.0.0.1';
  const preferred = options.preferred ?? 0;
  const port = (await tryListen(preferred, host)) ?? (preferred === 0 ? undefined : await tryListen(0, host));
  if (port === undefined) throw new Error(`no free TCP port on ${host}`);
  return port;
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
