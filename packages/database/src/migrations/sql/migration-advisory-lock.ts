import type pg from 'pg';

// The key Prisma Migrate locks on (schema-engine: "a unique number we chose to
// identify Migrate"); sharing it keeps us and `prisma migrate deploy` from
// running at the same time.
const PRISMA_MIGRATE_LOCK_KEY = 72707369;

/** Session-level lock: held until released or the connection closes, across the migrations' own transactions. */
export async function acquireMigrationLock(client: pg.ClientBase, timeoutMs: number): Promise<void> {
  // lock_timeout bounds the wait for advisory locks too; reset right after so
  // it never applies to the migration SQL itself.
  await client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${timeoutMs}ms`]);
  try {
    await client.query(`SELECT pg_advisory_lock(${PRISMA_MIGRATE_LOCK_KEY})`);
  } finally {
    await client.query(`RESET lock_timeout`);
  }
}

export async function releaseMigrationLock(client: pg.ClientBase): Promise<void> {
  await client.query(`SELECT pg_advisory_unlock(${PRISMA_MIGRATE_LOCK_KEY})`);
}
