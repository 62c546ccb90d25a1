import type { QueryPlace } from '../connection/query-place.js';
import { PRISMA_PROGRESS_COLUMNS, type ProgressRow } from './progress-row.js';

export function getUserProgress(place: QueryPlace, userId: string): Promise<ProgressRow[]> {
  return place.prisma(
    (prisma) => prisma.$queryRaw<ProgressRow[]>`
      SELECT ${PRISMA_PROGRESS_COLUMNS}
        FROM user_goal_progress
       WHERE user_id = ${userId}
       ORDER BY created_at, goal_id`,
  );
}
