import type { PrismaClient } from '../generated/prisma/client.js';

export interface UpsertProgressParams {
  userId: string;
  goalId: string;
  challengeId: string;
  namespace: string;
  progress: number;
  status: string;
  /** ISO 8601 with Z, or null (Prisma's adapter would send a Date without its zone). */
  completedAt: string | null;
  claimedAt: string | null;
}

/**
 * Overwrite unless claimed; every accepted write stamps updated_at (daily
 * increments compare against it). A completed/claimed status without a time
 * gets the write time.
 */
export function upsertProgress(prisma: PrismaClient, p: UpsertProgressParams): Promise<number> {
  return prisma.$executeRaw`
    INSERT INTO user_goal_progress AS t
           (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, claimed_at)
    VALUES (${p.userId}, ${p.goalId}, ${p.challengeId}, ${p.namespace}, ${p.progress}::int, ${p.status},
            CASE WHEN ${p.status} IN ('completed', 'claimed') THEN COALESCE(${p.completedAt}::timestamptz, now())
                 ELSE ${p.completedAt}::timestamptz END,
            CASE WHEN ${p.status} = 'claimed' THEN COALESCE(${p.claimedAt}::timestamptz, now()) END)
    ON CONFLICT (user_id, goal_id) DO UPDATE
       SET progress = EXCLUDED.progress, status = EXCLUDED.status,
           completed_at = EXCLUDED.completed_at, claimed_at = EXCLUDED.claimed_at, updated_at = now()
     WHERE t.status <> 'claimed'`;
}
