import type pg from 'pg';

/** Column arrays of one round of upserts: unique keys, sorted by key (lock order). */
export interface UpsertColumns {
  userIds: string[];
  goalIds: string[];
  challengeIds: string[];
  namespaces: string[];
  progress: number[];
  statuses: string[];
  /** ISO 8601 with Z, or null. */
  completedAt: (string | null)[];
  claimedAt: (string | null)[];
}

/**
 * upsert-progress for many rows in one statement. The rows are written in
 * array order (a function scan keeps it), so callers sorting by key take row
 * locks in one global order and concurrent batches cannot deadlock.
 */
export async function batchUpsertProgress(db: pg.ClientBase | pg.Pool, c: UpsertColumns): Promise<void> {
  await db.query({
    name: 'goals.batch-upsert-progress',
    text: `
      INSERT INTO user_goal_progress AS t
             (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, claimed_at)
      SELECT i.user_id, i.goal_id, i.challenge_id, i.namespace, i.progress, i.status,
             CASE WHEN i.status IN ('completed', 'claimed') THEN COALESCE(i.completed_at, now()) ELSE i.completed_at END,
             CASE WHEN i.status = 'claimed' THEN COALESCE(i.claimed_at, now()) END
        FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::timestamptz[], $8::timestamptz[])
             AS i(user_id, goal_id, challenge_id, namespace, progress, status, completed_at, claimed_at)
      ON CONFLICT (user_id, goal_id) DO UPDATE
         SET progress = EXCLUDED.progress, status = EXCLUDED.status,
             completed_at = EXCLUDED.completed_at, claimed_at = EXCLUDED.claimed_at, updated_at = now()
       WHERE t.status <> 'claimed'`,
    values: [c.userIds, c.goalIds, c.challengeIds, c.namespaces, c.progress, c.statuses, c.completedAt, c.claimedAt],
  });
}
