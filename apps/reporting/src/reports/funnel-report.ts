import type { ReportCatalogue } from '../catalogue/report-catalogue.js';
import { playersAtLeast, ratio, type GoalReport } from './goal-report.js';

/** What reaching a funnel step means: the step's goal at least in this status. */
export const REACHED_STATUSES = ['in_progress', 'completed', 'claimed'] as const;
export type ReachedStatus = (typeof REACHED_STATUSES)[number];

export interface FunnelStep {
  step: number;
  goalId: string;
  goalName: string;
  target: number;
  /** players whose row for this goal is at least `status` */
  reached: number;
  /** reached / playersSeen */
  shareOfSeen: number | null;
  /** reached / the previous step's reached (null for the first step) */
  shareOfPrevious: number | null;
}

/**
 * The steps of the chain ending at `endGoalId` (its prerequisites first),
 * each counted from the goal's own row counts. Counting per goal, not "also
 * reached every earlier step", is deliberate: the catalogue gates claims, not
 * progress, and the per-goal figure is the one the summary holds exactly.
 */
export function buildFunnel(catalogue: ReportCatalogue, report: GoalReport, endGoalId: string | undefined, status: ReachedStatus): FunnelStep[] {
  const rowByGoal = new Map(report.rows.map((row) => [row.goalId, row]));
  const steps: FunnelStep[] = [];
  for (const goal of endGoalId === undefined ? [] : catalogue.funnelSteps(endGoalId)) {
    const row = rowByGoal.get(goal.id);
    const reached = row === undefined ? 0 : playersAtLeast(row, status);
    const previous = steps.at(-1);
    steps.push({
      step: steps.length + 1,
      goalId: goal.id,
      goalName: goal.name,
      target: goal.requirement.targetValue,
      reached,
      shareOfSeen: ratio(reached, report.playersSeen),
      shareOfPrevious: previous === undefined ? null : ratio(reached, previous.reached),
    });
  }
  return steps;
}
