import type { ReportCatalogue } from '../catalogue/report-catalogue.js';
import { NotFoundError } from '../errors/reporting-error.js';
import type { PrismaClient } from '../generated/prisma/client.js';

/** What every route needs: the read-only client and the catalogue. */
export interface ReportingContext {
  prisma: PrismaClient;
  catalogue: ReportCatalogue;
}

export function requireChallenge(context: ReportingContext, challengeId: string | undefined): void {
  if (challengeId !== undefined && context.catalogue.challenge(challengeId) === undefined) {
    throw new NotFoundError('CHALLENGE_NOT_FOUND', `challenge ${JSON.stringify(challengeId)} is not in the catalogue`);
  }
}

/** The goal must exist, and belong to `challengeId` when one is given. */
export function requireGoal(context: ReportingContext, goalId: string | undefined, challengeId: string | undefined): void {
  if (goalId === undefined) return;
  const goal = context.catalogue.goal(goalId);
  if (goal === undefined) throw new NotFoundError('GOAL_NOT_FOUND', `goal ${JSON.stringify(goalId)} is not in the catalogue`);
  if (challengeId !== undefined && goal.challengeId !== challengeId) {
    throw new NotFoundError('GOAL_NOT_FOUND', `goal ${JSON.stringify(goalId)} is not in challenge ${JSON.stringify(challengeId)}`);
  }
}

/** `limit`/`offset` applied to a list held in memory (the catalogue-sized ones). */
export function pageOf<T>(items: readonly T[], offset: number, limit: number | undefined): T[] {
  return items.slice(offset, limit === undefined ? undefined : offset + limit);
}
