import { isGoalStatus, type UserGoalProgress } from '@goals/domain';

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
