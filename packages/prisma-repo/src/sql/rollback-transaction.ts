import type pg from 'pg';

export async function rollbackTransaction(client: pg.ClientBase): Promise<void> {
  await client.query('ROLLBACK');
}
