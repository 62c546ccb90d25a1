import type { QueryPlace } from '../connection/query-place.js';
import { PRISMA_PROGRESS_COLUMNS, type ProgressRow } from './progress-row.js';

export function getProgress(place: QueryPlace, userId: string, goalId: string): Promise<ProgressRow[]> {
  return place.prisma(
    (prisma) => prisma.$queryRaw<ProgressRow[]>`
      SELECT ${PRISMA_PROGRESS_COLUMNS}
        FROM user_goal_progress
       WHERE user_id = ${userId} AND goal_id = ${goalId}`,
  );
}
