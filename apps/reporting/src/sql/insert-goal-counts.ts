import type pg from 'pg';

// Raw SQL: percentile_disc and GROUPING SETS have no Prisma form, and an
// INSERT … SELECT keeps the 5M-row aggregation inside the server. The second
// grouping set gives the "every namespace" rows, namespace '' (a median cannot
// be combined from per-namespace medians); PostgreSQL computes both from one
// sort by (challenge_id, goal_id, namespace), a rollup — measured: copying the
// '' rows instead when there is a single namespace saved nothing.
// percentile_disc, not _cont: the median is a progress value some player has,
// and capping it at the target (done by the reader) commutes with taking it.
const INSERT_GOAL_COUNTS = `
INSERT INTO reporting_goal_counts (namespace, challenge_id, goal_id, not_started_rows, in_progress, completed, claimed, median_progress)
SELECT coalesce(namespace, ''), challenge_id, goal_id,
       count(*) FILTER (WHERE status = 'not_started'),
       count(*) FILTER (WHERE status = 'in_progress'),
       count(*) FILTER (WHERE status = 'completed'),
       count(*) FILTER (WHERE status = 'claimed'),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY progress)
FROM user_goal_progress
GROUP BY GROUPING SETS ((namespace, challenge_id, goal_id), (challenge_id, goal_id))`;

export async function insertGoalCounts(client: pg.ClientBase): Promise<void> {
  await client.query(INSERT_GOAL_COUNTS);
}
