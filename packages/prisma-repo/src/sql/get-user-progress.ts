import type { QueryPlace } from '../connection/query-place.js';
import { PROGRESS_ORDER, PROGRESS_SELECT, type ProgressRow } from './progress-row.js';

export function getUserProgress(place: QueryPlace, userId: string): Promise<ProgressRow[]> {
  return place.prisma((prisma) => prisma.userGoalProgress.findMany({ where: { userId }, select: PROGRESS_SELECT, orderBy: [...PROGRESS_ORDER] }));
}
