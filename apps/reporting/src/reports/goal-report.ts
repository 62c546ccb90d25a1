import type { GoalStatus } from '@goals/domain';
import type { ReportCatalogue, ReportGoal } from '../catalogue/report-catalogue.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { readSummarySnapshot, type SummarySnapshot } from './summary-snapshot.js';

/** The summary rows' namespace for "every namespace together" ('' is never a real namespace: a CHECK forbids it). */
export const ALL_NAMESPACES = '';

/** One goal of the catalogue, with what the players of a namespace did with it. */
export interface GoalReportRow {
  challengeId: string;
  challengeName: string;
  goalId: string;
  goalName: string;
  type: ReportGoal['type'];
  daily: boolean;
  target: number;
  rewardType: string;
  rewardId: string;
  rewardQuantity: number;
  prerequisites: string[];
  /** players of the namespace (any row for any goal) */
  playersSeen: number;
  /** players seen without a row for this goal, plus rows still `not_started` */
  notStarted: number;
  inProgress: number;
  completed: number;
  claimed: number;
  /** (completed + claimed) / playersSeen; null when no player was seen */
  completionRate: number | null;
  /** claimed / (completed + claimed): the share of finishers who took the reward; null when nobody finished */
  claimRate: number | null;
  /** median progress over the goal's rows (players with a row), capped at the target */
  medianProgress: number | null;
  /** medianProgress / target */
  medianShare: number | null;
}

export interface GoalReport {
  snapshot: SummarySnapshot | null;
  playersSeen: number;
  rows: GoalReportRow[];
  /** goals that have progress rows but are not in the catalogue (left out of `rows`, counted here) */
  uncataloguedGoals: number;
}

export function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

/** Reached at least this status: what a status filter or a funnel step counts. */
export function playersAtLeast(row: Pick<GoalReportRow, 'notStarted' | 'inProgress' | 'completed' | 'claimed'>, status: GoalStatus): number {
  switch (status) {
    case 'not_started':
      return row.notStarted;
    case 'in_progress':
      return row.inProgress + row.completed + row.claimed;
    case 'completed':
      return row.completed + row.claimed;
    case 'claimed':
      return row.claimed;
  }
}

/** Exactly this status: what `status=` filters on in goal lists. */
export function playersWithStatus(row: Pick<GoalReportRow, 'notStarted' | 'inProgress' | 'completed' | 'claimed'>, status: GoalStatus): number {
  switch (status) {
    case 'not_started':
      return row.notStarted;
    case 'in_progress':
      return row.inProgress;
    case 'completed':
      return row.completed;
    case 'claimed':
      return row.claimed;
  }
}

/** Every catalogue goal (of one challenge, if given) with the summary's counts for one namespace (or all). */
export async function loadGoalReport(
  prisma: PrismaClient,
  catalogue: ReportCatalogue,
  filter: { namespace: string | undefined; challengeId: string | undefined },
): Promise<GoalReport> {
  const namespace = filter.namespace ?? ALL_NAMESPACES;
  const [snapshot, players, counts] = await Promise.all([
    readSummarySnapshot(prisma),
    prisma.reportingNamespacePlayers.findUnique({ where: { namespace } }),
    prisma.reportingGoalCount.findMany({
      where: { namespace, ...(filter.challengeId === undefined ? {} : { challengeId: filter.challengeId }) },
      select: { goalId: true, notStartedRows: true, inProgress: true, completed: true, claimed: true, medianProgress: true },
    }),
  ]);
  const playersSeen = players?.players ?? 0;
  const countsByGoal = new Map(counts.map((row) => [row.goalId, row]));
  const goals = filter.challengeId === undefined ? catalogue.goals : catalogue.goalsOf(filter.challengeId);
  const rows = goals.map((goal): GoalReportRow => {
    const count = countsByGoal.get(goal.id);
    const inProgress = count?.inProgress ?? 0;
    const completed = count?.completed ?? 0;
    const claimed = count?.claimed ?? 0;
    const target = goal.requirement.targetValue;
    const medianProgress = count === undefined ? null : Math.min(count.medianProgress, target);
    return {
      challengeId: goal.challengeId,
      challengeName: catalogue.challenge(goal.challengeId)?.name ?? goal.challengeId,
      goalId: goal.id,
      goalName: goal.name,
      type: goal.type,
      daily: goal.daily,
      target,
      rewardType: goal.reward.type,
      rewardId: goal.reward.rewardId,
      rewardQuantity: goal.reward.quantity,
      prerequisites: goal.prerequisites,
      playersSeen,
      notStarted: playersSeen - inProgress - completed - claimed,
      inProgress,
      completed,
      claimed,
      completionRate: ratio(completed + claimed, playersSeen),
      claimRate: ratio(claimed, completed + claimed),
      medianProgress,
      medianShare: medianProgress === null ? null : medianProgress / target,
    };
  });
  const uncataloguedGoals = counts.filter((row) => catalogue.goal(row.goalId) === undefined).length;
  return { snapshot, playersSeen, rows, uncataloguedGoals };
}
