import type { QueryPlace } from '../connection/query-place.js';

export interface ClaimOutcome {
  /** claimed_at as written; null when nothing was claimed. */
  claimedAt: Date | null;
  /** The row's status in the statement's snapshot (before the update); null = no such row. */
  statusBefore: string | null;
}

// SQL, not the model API: the conditional claim and the reason it did not happen are one round trip.
const MARK_AS_CLAIMED = `
  WITH claimed AS (
    UPDATE user_goal_progress
       SET status = 'claimed', claimed_at = now(), completed_at = COALESCE(completed_at, now()), updated_at = now()
     WHERE user_id = $1 AND goal_id = $2 AND status = 'completed'
    RETURNING claimed_at)
  SELECT (SELECT claimed_at FROM claimed) AS "claimedAt",
         (SELECT status FROM user_goal_progress WHERE user_id = $1 AND goal_id = $2) AS "statusBefore"`;

/**
 * completed → claimed, and in the same round trip what stood in the way: the
 * outer SELECT sees the statement's snapshot, i.e. the row as it was before
 * the UPDATE of the CTE (missing, not completed, already claimed). A completed
 * row without completedAt (written before the invariant existed) is claimable;
 * it gets one now.
 */
export async function markAsClaimed(place: QueryPlace, userId: string, goalId: string): Promise<ClaimOutcome> {
  const { rows } = await place.pg.query<ClaimOutcome>({ name: 'goals.mark-as-claimed', text: MARK_AS_CLAIMED, values: [userId, goalId] });
  return rows[0] ?? { claimedAt: null, statusBefore: null };
}
