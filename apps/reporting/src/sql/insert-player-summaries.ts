import type pg from 'pg';

// Raw SQL: an INSERT … SELECT … GROUP BY runs inside the server; Prisma would
// have to fetch the grouped rows and send them back.
const INSERT_PLAYER_SUMMARIES = `
INSERT INTO reporting_players (user_id, namespace, goals, in_progress, completed, claimed, last_updated_at)
SELECT user_id, namespace,
       count(*),
       count(*) FILTER (WHERE status = 'in_progress'),
       count(*) FILTER (WHERE status = 'completed'),
       count(*) FILTER (WHERE status = 'claimed'),
       max(updated_at)
FROM user_goal_progress
GROUP BY user_id, namespace`;

/** One row per (player, namespace): the prefix search and the namespace player counts read it. */
export async function insertPlayerSummaries(client: pg.ClientBase): Promise<void> {
  await client.query(INSERT_PLAYER_SUMMARIES);
}
