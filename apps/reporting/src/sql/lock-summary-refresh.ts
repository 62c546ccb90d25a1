import type pg from 'pg';

/** Any constant both refreshers agree on; 72707369 is Prisma's migration lock, so not that. */
const SUMMARY_REFRESH_LOCK = 4_711_004_711;

/**
 * Session-level, taken before the refresh transaction begins: its
 * REPEATABLE READ snapshot must be taken after the previous refresh
 * committed, or its inserts would collide with rows it cannot see.
 */
export async function lockSummaryRefresh(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_lock($1)', [SUMMARY_REFRESH_LOCK]);
}

export async function unlockSummaryRefresh(client: pg.ClientBase): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1)', [SUMMARY_REFRESH_LOCK]);
}
