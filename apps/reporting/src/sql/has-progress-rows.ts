import type pg from 'pg';

/** EXISTS stops at the first row: an "is it empty?" that costs nothing on 5M rows. */
export async function hasProgressRows(client: pg.Client): Promise<boolean> {
  const result = await client.query<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM user_goal_progress) AS found');
  return result.rows[0]?.found === true;
}
