import type { PrismaClient } from '../generated/prisma/client.js';

export interface ClaimOutcome {
  claimed: boolean;
  /** claimed_at as written, RFC 3339 UTC text (Prisma's adapter misreads timestamptz outside a UTC session). */
  claimedAt: string | null;
  /** The row's status in the statement's snapshot (before the update); null = no such row. */
  statusBefore: string | null;
}

/**
 * completed → claimed, and in the same round trip what stood in the way: the
 * outer SELECT sees the statement's snapshot, i.e. the row as it was before
 * the UPDATE of the CTE (missing, not completed, already claimed). A completed
 * row without completedAt (written before the invariant existed) is claimable;
 * it gets one now.
 */
export async function markAsClaimed(prisma: PrismaClient, userId: string, goalId: string): Promise<ClaimOutcome> {
  const rows = await prisma.$queryRaw<ClaimOutcome[]>`
    WITH claimed AS (
      UPDATE user_goal_progress
         SET status = 'claimed', claimed_at = now(), completed_at = COALESCE(completed_at, now()), updated_at = now()
       WHERE user_id = ${userId} AND goal_id = ${goalId} AND status = 'completed'
      RETURNING claimed_at)
    SELECT EXISTS (SELECT 1 FROM claimed) AS claimed,
           (SELECT to_char(claimed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') FROM claimed) AS "claimedAt",
           (SELECT status FROM user_goal_progress WHERE user_id = ${userId} AND goal_id = ${goalId}) AS "statusBefore"`;
  return rows[0] ?? { claimed: false, claimedAt: null, statusBefore: null };
}
