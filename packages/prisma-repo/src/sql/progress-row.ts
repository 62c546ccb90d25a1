import { isGoalStatus, type UserGoalProgress } from '@goals/domain';
import { Prisma } from '../generated/prisma/client.js';

/**
 * The select list of the Prisma reads, aliased to ProgressRow. Timestamps come
 * out as UTC wall-clock values: @prisma/adapter-pg 7.10 reads a timestamptz by
 * replacing its offset with +00:00, which is wrong in any other session
 * TimeZone. (Raw pg parses the offset itself and selects the columns as they are.)
 */
export const PRISMA_PROGRESS_COLUMNS = Prisma.raw(`
  user_id AS "userId", goal_id AS "goalId", challenge_id AS "challengeId", namespace, progress, status,
  completed_at AT TIME ZONE 'UTC' AS "completedAt", claimed_at AT TIME ZONE 'UTC' AS "claimedAt",
  created_at AT TIME ZONE 'UTC' AS "createdAt", updated_at AT TIME ZONE 'UTC' AS "updatedAt"`);

/** The same columns for raw pg, which parses timestamptz offsets itself. */
export const PG_PROGRESS_COLUMNS = `
  user_id AS "userId", goal_id AS "goalId", challenge_id AS "challengeId", namespace, progress, status,
  completed_at AS "completedAt", claimed_at AS "claimedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * A user_goal_progress row as every SELECT here returns it: the columns are
 * aliased to the domain's camelCase names, so Prisma's $queryRaw and raw pg
 * rows map the same way.
 */
export interface ProgressRow {
  userId: string;
  goalId: string;
  challengeId: string;
  namespace: string;
  progress: number;
  status: string;
  completedAt: Date | null;
  claimedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toUserGoalProgress(row: ProgressRow): UserGoalProgress {
  // The table's CHECK constraint makes this unreachable; it guards the cast.
  if (!isGoalStatus(row.status)) throw new Error(`user_goal_progress holds an unknown status ${JSON.stringify(row.status)}`);
  return { ...row, status: row.status };
}
