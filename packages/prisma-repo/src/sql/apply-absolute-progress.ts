import type pg from 'pg';

/** Column arrays of one round of absolute updates: unique keys, sorted by key (lock order). */
export interface AbsoluteColumns {
  userIds: string[];
  goalIds: string[];
  challengeIds: string[];
  namespaces: string[];
  values: number[];
  targets: number[];
  /** ISO 8601 with Z. */
  at: string[];
  reachedAt: (string | null)[];
}

/**
 * Domain applyGoalEffect('set'): progress = value. The status of the proposed
 * row (value ≥ target, or the target was reached earlier in the caller's
 * aggregate) is exactly the new status unless the row was already completed,
 * so no per-row lookup is needed: completion stays sticky and keeps the first
 * completedAt; claimed rows are left alone.
 */
export async function applyAbsoluteProgress(db: pg.ClientBase | pg.Pool, c: AbsoluteColumns): Promise<void> {
  await db.query({
    name: 'goals.apply-absolute-progress',
    text: `
      INSERT INTO user_goal_progress AS t
             (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, created_at, updated_at)
      SELECT i.user_id, i.goal_id, i.challenge_id, i.namespace, i.value,
             CASE WHEN i.value >= i.target OR i.reached_at IS NOT NULL THEN 'completed'
                  WHEN i.value > 0 THEN 'in_progress' ELSE 'not_started' END,
             CASE WHEN i.value >= i.target OR i.reached_at IS NOT NULL THEN COALESCE(i.reached_at, i.at) END,
             i.at, i.at
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::timestamptz[], $8::timestamptz[])
             AS i(user_id, goal_id, challenge_id, namespace, value, target, at, reached_at)
      ON CONFLICT (user_id, goal_id) DO UPDATE
         SET progress = EXCLUDED.progress,
             status = CASE WHEN t.status = 'completed' THEN 'completed' ELSE EXCLUDED.status END,
             completed_at = CASE WHEN t.status = 'completed' OR EXCLUDED.status = 'completed'
                                 THEN COALESCE(t.completed_at, EXCLUDED.completed_at, EXCLUDED.updated_at) END,
             updated_at = EXCLUDED.updated_at
       WHERE t.status <> 'claimed'`,
    values: [c.userIds, c.goalIds, c.challengeIds, c.namespaces, c.values, c.targets, c.at, c.reachedAt],
  });
}
