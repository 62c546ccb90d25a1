import type { PrismaClient } from '../generated/prisma/client.js';
import { PRISMA_PROGRESS_COLUMNS, type ProgressRow } from './progress-row.js';

export function getUserProgress(prisma: PrismaClient, userId: string): Promise<ProgressRow[]> {
  return prisma.$queryRaw<ProgressRow[]>`
    SELECT ${PRISMA_PROGRESS_COLUMNS}
      FROM user_goal_progress
     WHERE user_id = ${userId}
     ORDER BY created_at, goal_id`;
}
