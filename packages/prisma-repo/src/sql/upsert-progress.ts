import type { ProgressUpsert } from '@goals/domain';
import type { QueryPlace } from '../connection/query-place.js';

// SQL, not the model API: "overwrite unless claimed" needs ON CONFLICT … WHERE in one statement (an upsert's update cannot be conditional).
const UPSERT_PROGRESS = `
  INSERT INTO user_goal_progress AS t
         (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, claimed_at)
  VALUES ($1, $2, $3, $4, $5::int, $6::text,
          CASE WHEN $6::text IN ('completed', 'claimed') THEN COALESCE($7::timestamptz, now()) ELSE $7::timestamptz END,
          CASE WHEN $6::text = 'claimed' THEN COALESCE($8::timestamptz, now()) END)
  ON CONFLICT (user_id, goal_id) DO UPDATE
     SET progress = EXCLUDED.progress, status = EXCLUDED.status,
         completed_at = EXCLUDED.completed_at, claimed_at = EXCLUDED.claimed_at, updated_at = now()
   WHERE t.status <> 'claimed'`;

/**
 * Overwrite unless claimed; every accepted write stamps updated_at (daily
 * increments compare against it). A completed/claimed status without a time
 * gets the write time. Times are sent as ISO 8601 with Z: no session or
 * process TimeZone can reinterpret them.
 */
export async function upsertProgress(place: QueryPlace, p: ProgressUpsert): Promise<void> {
  await place.pg.query({
    name: 'goals.upsert-progress',
    text: UPSERT_PROGRESS,
    values: [p.userId, p.goalId, p.challengeId, p.namespace, p.progress, p.status, iso(p.completedAt), iso(p.claimedAt ?? null)],
  });
}

function iso(date: Date | null): string | null {
  return date === null ? null : date.toISOString();
}
