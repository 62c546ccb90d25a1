import type pg from 'pg';

// Raw SQL: Prisma cannot group by an expression (the UTC day of a timestamp),
// and the LATERAL VALUES turns each row into its completion and its claim in
// one scan of the progress table instead of two.
const INSERT_DAILY_COUNTS = `
INSERT INTO reporting_daily_counts (namespace, challenge_id, goal_id, day, completions, claims)
SELECT p.namespace, p.challenge_id, p.goal_id, (e.at AT TIME ZONE 'UTC')::date,
       count(*) FILTER (WHERE e.kind = 'completion'),
       count(*) FILTER (WHERE e.kind = 'claim')
FROM user_goal_progress p
CROSS JOIN LATERAL (VALUES ('completion', p.completed_at), ('claim', p.claimed_at)) AS e (kind, at)
WHERE e.at IS NOT NULL
GROUP BY 1, 2, 3, 4`;

export async function insertDailyCounts(client: pg.ClientBase): Promise<void> {
  await client.query(INSERT_DAILY_COUNTS);
}
