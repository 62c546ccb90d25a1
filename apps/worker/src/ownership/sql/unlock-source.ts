import type pg from 'pg';

export async function unlockSource(client: pg.ClientBase, key: bigint): Promise<void> {
  await client.query('SELECT pg_advisory_unlock($1::bigint)', [key.toString()]);
}
