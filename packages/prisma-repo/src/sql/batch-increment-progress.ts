import type pg from 'pg';

/** Column arrays of one round of increments: unique keys, sorted by key (lock order). */
export interface IncrementColumns {
  userIds: string[];
  goalIds: string[];
  challengeIds: string[];
  namespaces: string[];
  deltas: number[];
  targets: number[];
  /** ISO 8601 with Z; null = the database clock. */
  at: (string | null)[];
  /**
   * {"<userId>": {"<goalId>": [targetValue, isDailyIncrement]}} for the rows
   * that already exist — see below.
   */
  targetsByKey: string;
}

/**
 * increment-progress for many rows, each with its own delta, target, daily
 * flag and time. ON CONFLICT DO UPDATE sees only the proposed row (EXCLUDED),
 * which has no column for the target or the daily flag, so the update looks
 * them up by key in a jsonb parameter (a binary search per row, parsed once
 * per statement). The proposed row itself carries delta (progress: a new row
 * starts at delta) and the event time (updated_at). One statement; rows are
 * written in array order, which the caller sorts by key so concurrent batches
 * take row locks in the same order.
 */
export async function batchIncrementProgress(db: pg.ClientBase | pg.Pool, c: IncrementColumns): Promise<void> {
  await db.query({
    name: 'goals.batch-increment-progress',
    text: `
      INSERT INTO user_goal_progress AS t
             (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, created_at, updated_at)
      SELECT i.user_id, i.goal_id, i.challenge_id, i.namespace, i.delta,
             CASE WHEN i.delta >= i.target THEN 'completed' WHEN i.delta > 0 THEN 'in_progress' ELSE 'not_started' END,
             CASE WHEN i.delta >= i.target THEN COALESCE(i.at, now()) END,
             COALESCE(i.at, now()), COALESCE(i.at, now())
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[], $7::timestamptz[])
             AS i(user_id, goal_id, challenge_id, namespace, delta, target, at)
      ON CONFLICT (user_id, goal_id) DO UPDATE
         SET progress = LEAST(t.progress::bigint + EXCLUDED.progress, 2147483647),
             status = CASE WHEN t.status = 'completed'
                            OR LEAST(t.progress::bigint + EXCLUDED.progress, 2147483647)
                               >= ($8::jsonb -> EXCLUDED.user_id -> EXCLUDED.goal_id ->> 0)::int THEN 'completed'
                           WHEN LEAST(t.progress::bigint + EXCLUDED.progress, 2147483647) > 0 THEN 'in_progress'
                           ELSE 'not_started' END,
             completed_at = CASE WHEN t.status = 'completed'
                                  OR LEAST(t.progress::bigint + EXCLUDED.progress, 2147483647)
                                     >= ($8::jsonb -> EXCLUDED.user_id -> EXCLUDED.goal_id ->> 0)::int
                                 THEN COALESCE(t.completed_at, EXCLUDED.updated_at) END,
             updated_at = EXCLUDED.updated_at
       WHERE t.status <> 'claimed'
         AND (NOT ($8::jsonb -> EXCLUDED.user_id -> EXCLUDED.goal_id ->> 1)::boolean
              OR (t.updated_at AT TIME ZONE 'UTC')::date < (EXCLUDED.updated_at AT TIME ZONE 'UTC')::date)`,
    values: [c.userIds, c.goalIds, c.challengeIds, c.namespaces, c.deltas, c.targets, c.at, c.targetsByKey],
  });
}
