import type { GoalStatus } from '@goals/domain';
import type { ReportCatalogue } from '../catalogue/report-catalogue.js';
import type { PrismaClient } from '../generated/prisma/client.js';

export interface PlayerFilter {
  namespace: string | undefined;
  challengeId: string | undefined;
  status: GoalStatus | undefined;
}

/** One row of one player's progress, with the catalogue's name and target. */
export interface PlayerProgressRow {
  userId: string;
  namespace: string;
  challengeId: string;
  challengeName: string | null;
  goalId: string;
  /** null for a goal the catalogue does not (or no longer) know */
  goalName: string | null;
  progress: number;
  target: number | null;
  /** progress / target, capped at 1 */
  share: number | null;
  status: string;
  completedAt: Date | null;
  claimedAt: Date | null;
  updatedAt: Date;
}

function whereOf(userId: string, filter: PlayerFilter) {
  return {
    userId,
    ...(filter.namespace === undefined ? {} : { namespace: filter.namespace }),
    ...(filter.challengeId === undefined ? {} : { challengeId: filter.challengeId }),
    ...(filter.status === undefined ? {} : { status: filter.status }),
  };
}

/** Live, not from a summary: support needs the state of now. Served by the primary key (user_id, goal_id). */
export async function loadPlayerProgress(
  prisma: PrismaClient,
  catalogue: ReportCatalogue,
  userId: string,
  filter: PlayerFilter,
  page: { offset: number; take: number | undefined },
): Promise<PlayerProgressRow[]> {
  const rows = await prisma.userGoalProgress.findMany({
    where: whereOf(userId, filter),
    orderBy: [{ goalId: 'asc' }, { namespace: 'asc' }],
    skip: page.offset,
    ...(page.take === undefined ? {} : { take: page.take }),
    select: { userId: true, namespace: true, challengeId: true, goalId: true, progress: true, status: true, completedAt: true, claimedAt: true, updatedAt: true },
  });
  return rows.map((row) => {
    const goal = catalogue.goal(row.goalId);
    const target = goal?.requirement.targetValue ?? null;
    return {
      ...row,
      challengeName: catalogue.challenge(row.challengeId)?.name ?? null,
      goalName: goal?.name ?? null,
      target,
      share: target === null ? null : Math.min(row.progress, target) / target,
    };
  });
}

export function countPlayerProgress(prisma: PrismaClient, userId: string, filter: PlayerFilter): Promise<number> {
  return prisma.userGoalProgress.count({ where: whereOf(userId, filter) });
}

/** Whether the player has any row at all (what decides 404 when filters leave nothing). */
export async function playerExists(prisma: PrismaClient, userId: string): Promise<boolean> {
  const row = await prisma.userGoalProgress.findFirst({ where: { userId }, select: { userId: true } });
  return row !== null;
}
