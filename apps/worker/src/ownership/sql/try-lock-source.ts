import type pg from 'pg';

/** Session-level: held until unlocked or the connection ends, whatever transactions the flushes run elsewhere. */
export async function tryLockSource(client: pg.ClientBase, key: bigint): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1::bigint) AS locked', [key.toString()]);
  return rows[0]?.locked === true;
}
