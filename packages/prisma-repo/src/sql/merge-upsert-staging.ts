import type pg from 'pg';

/**
 * batch-upsert-progress's statement with the staging table as its source. No
 * ORDER BY: a sequential scan of a temp table (never a synchronized scan)
 * returns rows in COPY order, which the caller sorted by key.
 */
export async function mergeUpsertStaging(client: pg.ClientBase): Promise<void> {
  await client.query({
    name: 'goals.merge-upsert-staging',
    text: `
      INSERT INTO user_goal_progress AS t
             (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, claimed_at)
      SELECT s.user_id, s.goal_id, s.challenge_id, s.namespace, s.progress, s.status,
             CASE WHEN s.status IN ('completed', 'claimed') THEN COALESCE(s.completed_at, now()) ELSE s.completed_at END,
             CASE WHEN s.status = 'claimed' THEN COALESCE(s.claimed_at, now()) END
        FROM pg_temp.goals_upsert_staging AS s
      ON CONFLICT (user_id, goal_id) DO UPDATE
         SET progress = EXCLUDED.progress, status = EXCLUDED.status,
             completed_at = EXCLUDED.completed_at, claimed_at = EXCLUDED.claimed_at, updated_at = now()
       WHERE t.status <> 'claimed'`,
  });
}
