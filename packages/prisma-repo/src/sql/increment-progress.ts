import type { PrismaClient } from '../generated/prisma/client.js';

export interface IncrementProgressParams {
  userId: string;
  goalId: string;
  challengeId: string;
  namespace: string;
  delta: number;
  targetValue: number;
  daily: boolean;
  /** ISO 8601 with Z; null = the database clock. */
  at: string | null;
}

/**
 * Domain applyGoalEffect('increment') in one statement: progress saturates at
 * the INT maximum, completion is sticky and keeps its first completedAt, a
 * daily increment counts only when the row was last written on an earlier UTC
 * day than `at` (days are cut at UTC midnight whatever the session TimeZone),
 * claimed rows are left alone.
 */
export function incrementProgress(prisma: PrismaClient, p: IncrementProgressParams): Promise<number> {
  return prisma.$executeRaw`
    INSERT INTO user_goal_progress AS t
           (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, created_at, updated_at)
    SELECT ${p.userId}, ${p.goalId}, ${p.challengeId}, ${p.namespace}, i.delta,
           CASE WHEN i.delta >= i.target THEN 'completed' WHEN i.delta > 0 THEN 'in_progress' ELSE 'not_started' END,
           CASE WHEN i.delta >= i.target THEN i.at END,
           i.at, i.at
      FROM (SELECT ${p.delta}::int AS delta, ${p.targetValue}::int AS target,
                   COALESCE(${p.at}::timestamptz, now()) AS at) AS i
    ON CONFLICT (user_id, goal_id) DO UPDATE
       SET progress = LEAST(t.progress::bigint + EXCLUDED.progress, 2147483647),
           status = CASE WHEN t.status = 'completed' OR LEAST(t.progress::bigint + EXCLUDED.progress, 2147483647) >= ${p.targetValue}::int THEN 'completed'
                         WHEN LEAST(t.progress::bigint + EXCLUDED.progress, 2147483647) > 0 THEN 'in_progress'
                         ELSE 'not_started' END,
           completed_at = CASE WHEN t.status = 'completed' OR LEAST(t.progress::bigint + EXCLUDED.progress, 2147483647) >= ${p.targetValue}::int
                               THEN COALESCE(t.completed_at, EXCLUDED.updated_at) END,
           updated_at = EXCLUDED.updated_at
     WHERE t.status <> 'claimed'
       AND (NOT ${p.daily}::boolean
            OR (t.updated_at AT TIME ZONE 'UTC')::date < (EXCLUDED.updated_at AT TIME ZONE 'UTC')::date)`;
}
