import type { PrismaClient } from '../generated/prisma/client.js';

/**
 * completed → claimed. A completed row without completedAt (written before
 * the invariant existed) is claimable; it gets one now. Returns the number of
 * rows claimed (0 or 1); the caller reads the row to tell why it was 0.
 */
export function markAsClaimed(prisma: PrismaClient, userId: string, goalId: string): Promise<number> {
  return prisma.$executeRaw`
    UPDATE user_goal_progress
       SET status = 'claimed', claimed_at = now(), completed_at = COALESCE(completed_at, now()), updated_at = now()
     WHERE user_id = ${userId} AND goal_id = ${goalId} AND status = 'completed'`;
}
