import pg from 'pg';

/**
 * The pool the Go original's ConfigureDB described: 50 connections, recycled
 * after 30 minutes, closed after 5 idle minutes. `options` override any of it.
 */
export function createPool(connectionString: string, options: pg.PoolConfig = {}): pg.Pool {
  const pool = new pg.Pool({
    max: 50,
    maxLifetimeSeconds: 1800,
    idleTimeoutMillis: 300_000,
    ...options,
    connectionString,
  });
  // pg-pool already drops an idle connection that errors (say, the server
  // restarted) and the next query opens a new one; without a listener Node
  // would turn that event into an uncaught exception. Add your own listener
  // to observe it.
  pool.on('error', () => {});
  return pool;
}
