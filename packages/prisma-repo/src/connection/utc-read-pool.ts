import pg from 'pg';

/**
 * The repository's own connections for Prisma's typed-client reads outside a
 * transaction: the same server and settings as the pool it was given, with
 * the session TimeZone set to UTC at connection start (no extra round trip).
 *
 * Why: @prisma/adapter-pg 7.10 reads a timestamptz by replacing its offset
 * with +00:00, right only when the server writes it in UTC. The given pool's
 * sessions are left as the application configured them (a repository must
 * not change its caller's session settings). Inside a transaction the same
 * holds through SET LOCAL (see sql/begin-transaction.ts).
 */
export function createUtcReadPool(pool: pg.Pool): pg.Pool {
  const given = pool.options;
  const readPool = new pg.Pool({
    ...given,
    // pg-pool keeps the password non-enumerable: copied explicitly
    password: given.password,
    options: [given.options, '-c TimeZone=UTC'].filter((o) => o !== undefined && o !== '').join(' '),
  });
  // as createPool: an idle connection that errors is dropped and replaced; without a listener Node would crash
  readPool.on('error', () => {});
  return readPool;
}
