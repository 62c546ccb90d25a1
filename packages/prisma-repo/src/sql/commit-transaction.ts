import type pg from 'pg';

/**
 * COMMIT of a transaction that hit an error earlier is answered with the
 * command tag ROLLBACK, not an error, so node-pg reports success. Returns
 * whether PostgreSQL really committed.
 */
export async function commitTransaction(client: pg.ClientBase): Promise<boolean> {
  const result = await client.query('COMMIT');
  return result.command === 'COMMIT';
}
