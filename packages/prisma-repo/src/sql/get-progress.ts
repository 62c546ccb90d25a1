import type { PrismaClient } from '../generated/prisma/client.js';
import type { ProgressRow } from './progress-row.js';

export function getProgress(prisma: PrismaClient, userId: string, goalId: string): Promise<ProgressRow[]> {
  return prisma.$queryRaw<ProgressRow[]>`
    SELECT user_id AS "userId", goal_id AS "goalId", challenge_id AS "challengeId", namespace,
           progress, status,
           -- UTC wall-clock timestamps: @prisma/adapter-pg 7.10 reads a timestamptz by
           -- replacing its offset with +00:00, which is wrong in any other session TimeZone.
           completed_at AT TIME ZONE 'UTC' AS "completedAt", claimed_at AT TIME ZONE 'UTC' AS "claimedAt",
           created_at AT TIME ZONE 'UTC' AS "createdAt", updated_at AT TIME ZONE 'UTC' AS "updatedAt"
      FROM user_goal_progress
     WHERE user_id = ${userId} AND goal_id = ${goalId}`;
}
