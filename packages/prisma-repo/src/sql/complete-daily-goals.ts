import type pg from 'pg';

/** Column arrays of one round of daily completions: unique keys, sorted by key (lock order). */
export interface DailyCompletionColumns {
  userIds: string[];
  goalIds: string[];
  challengeIds: string[];
  namespaces: string[];
  /** ISO 8601 with Z. */
  at: string[];
}

/**
 * Domain applyGoalEffect('complete_daily'): the goal is completed for the UTC
 * day of `at`. A row already completed (or claimed) on that day or later is
 * left alone; a goal claimed on an earlier day is reopened — the one write
 * that touches a claimed row, because a daily reward is repeatable.
 */
export async function completeDailyGoals(db: pg.ClientBase | pg.Pool, c: DailyCompletionColumns): Promise<void> {
  await db.query({
    name: 'goals.complete-daily-goals',
    text: `
      INSERT INTO user_goal_progress AS t
             (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, created_at, updated_at)
      SELECT i.user_id, i.goal_id, i.challenge_id, i.namespace, 1, 'completed', i.at, i.at, i.at
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])
             AS i(user_id, goal_id, challenge_id, namespace, at)
      ON CONFLICT (user_id, goal_id) DO UPDATE
         SET progress = GREATEST(t.progress, 1),
             status = 'completed',
             completed_at = EXCLUDED.completed_at,
             claimed_at = CASE WHEN t.status = 'claimed' THEN NULL ELSE t.claimed_at END,
             updated_at = EXCLUDED.updated_at
       WHERE CASE WHEN t.status = 'claimed'
                  THEN t.claimed_at IS NULL
                    OR (t.claimed_at AT TIME ZONE 'UTC')::date < (EXCLUDED.updated_at AT TIME ZONE 'UTC')::date
                  ELSE t.status <> 'completed' OR t.completed_at IS NULL
                    OR (t.completed_at AT TIME ZONE 'UTC')::date < (EXCLUDED.updated_at AT TIME ZONE 'UTC')::date
             END`,
    values: [c.userIds, c.goalIds, c.challengeIds, c.namespaces, c.at],
  });
}
