import type pg from 'pg';

/**
 * REPEATABLE READ: every statement of the refresh reads the same snapshot, so
 * the player, goal and daily summaries agree with each other and with as_of.
 */
export async function beginRefreshTransaction(client: pg.ClientBase): Promise<void> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
}

export async function commitRefreshTransaction(client: pg.ClientBase): Promise<void> {
  await client.query('COMMIT');
}

export async function rollbackRefreshTransaction(client: pg.ClientBase): Promise<void> {
  await client.query('ROLLBACK');
}
