import type pg from 'pg';

/**
 * BEGIN, and UTC for this transaction only (one round trip: two commands of
 * one simple query): Prisma's typed-client reads inside the transaction need
 * a UTC session (see connection/utc-read-pool.ts). Every other statement here
 * is independent of the session TimeZone (explicit `AT TIME ZONE 'UTC'`,
 * epoch or ISO 8601 times, pg parses offsets), and SET LOCAL ends with the
 * transaction, so the caller's session setting is back afterwards.
 */
export async function beginTransaction(client: pg.ClientBase): Promise<void> {
  await client.query("BEGIN; SET LOCAL TimeZone = 'UTC'");
}
