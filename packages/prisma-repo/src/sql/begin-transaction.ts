import type pg from 'pg';

export async function beginTransaction(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN');
}
