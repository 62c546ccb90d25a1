import pg from 'pg';

/**
 * Every wait on the database has a bound (milliseconds). The defaults suit
 * the worker's flushes (≈ 0.6 s for 50,000 rows here) and single-row calls;
 * each is a knob of its own.
 */
export interface DatabaseTimeouts {
  /** Opening a connection, and waiting for a free one in a full pool (pg-pool: connectionTimeoutMillis). */
  connectMs: number;
  /** Server-side bound of one statement (statement_timeout). */
  statementMs: number;
  /** Server-side bound of one lock wait (lock_timeout). */
  lockMs: number;
  /** Client-side bound of one round trip: a peer that stopped answering (query_timeout). Keep it above statementMs. */
  noAnswerMs: number;
  /** Server-side end of a transaction left idle, e.g. a claim whose granter hangs (idle_in_transaction_session_timeout). */
  idleInTransactionMs: number;
  /** TCP keep-alive probes start after this idle time, so a dead peer is noticed on idle connections too. */
  keepAliveMs: number;
}

export const DEFAULT_DATABASE_TIMEOUTS: DatabaseTimeouts = {
  connectMs: 10_000,
  statementMs: 30_000,
  lockMs: 10_000,
  noAnswerMs: 40_000,
  idleInTransactionMs: 60_000,
  keepAliveMs: 10_000,
};

/**
 * The pool the Go original's ConfigureDB described: 50 connections, recycled
 * after 30 minutes, closed after 5 idle minutes, with every wait bounded
 * (`timeouts`, see DatabaseTimeouts); timeouts surface as
 * DatabaseTimeoutError. `options` override any pg setting.
 */
export function createPool(connectionString: string, options: pg.PoolConfig = {}, timeouts: Partial<DatabaseTimeouts> = {}): pg.Pool {
  const t = { ...DEFAULT_DATABASE_TIMEOUTS, ...timeouts };
  const pool = new pg.Pool({
    max: 50,
    maxLifetimeSeconds: 1800,
    idleTimeoutMillis: 300_000,
    connectionTimeoutMillis: t.connectMs,
    statement_timeout: t.statementMs,
    lock_timeout: t.lockMs,
    query_timeout: t.noAnswerMs,
    idle_in_transaction_session_timeout: t.idleInTransactionMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: t.keepAliveMs,
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
