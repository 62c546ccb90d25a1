import type { QueryPlace } from '../connection/query-place.js';
import { PROGRESS_SELECT, type ProgressRow } from './progress-row.js';

/** findFirst, not findUnique: Prisma batches findUnique calls of one tick into one query, which could cross a transaction's routing. */
export function getProgress(place: QueryPlace, userId: string, goalId: string): Promise<ProgressRow | null> {
  return place.prisma((prisma) => prisma.userGoalProgress.findFirst({ where: { userId, goalId }, select: PROGRESS_SELECT }));
}
