import { isGoalStatus, type UserGoalProgress } from '@goals/domain';
import type { Prisma } from '../generated/prisma/client.js';

/**
 * The columns every typed-client read selects (Prisma's model API): the
 * domain's camelCase names, so Prisma rows and raw pg rows map the same way.
 * The repository's Prisma connections run with TimeZone UTC (see
 * connection/utc-read-pool.ts): @prisma/adapter-pg 7.10 reads a timestamptz
 * by replacing its offset with +00:00, which is right only in a UTC session.
 */
export const PROGRESS_SELECT = {
  userId: true,
  goalId: true,
  challengeId: true,
  namespace: true,
  progress: true,
  status: true,
  completedAt: true,
  claimedAt: true,
  createdAt: true,
  updatedAt: true,
} as const satisfies Prisma.UserGoalProgressSelect;

/** The oldest record first, ties by goal id (the Go original's order). */
export const PROGRESS_ORDER = [{ createdAt: 'asc' }, { goalId: 'asc' }] as const satisfies Prisma.UserGoalProgressOrderByWithRelationInput[];

/** The same columns for raw pg, which parses timestamptz offsets itself. */
export const PG_PROGRESS_COLUMNS = `
  user_id AS "userId", goal_id AS "goalId", challenge_id AS "challengeId", namespace, progress, status,
  completed_at AS "completedAt", claimed_at AS "claimedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

/**
 * A user_goal_progress row as every SELECT here returns it: the columns are
 * the domain's camelCase names, whether Prisma's model API or raw pg read it.
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
