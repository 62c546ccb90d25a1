import type { CatalogueGoal } from './catalogue.js';
import { isCompleted, utcDay, type UserGoalProgress } from './progress.js';

/**
 * What a claim needs (SPEC §5), decided purely from the locked record and the
 * records of the goal's prerequisites. The claim flow locks, asks this, grants
 * with `idempotencyKey`, then marks claimed.
 */
export type ClaimDecision =
  | { ok: true; idempotencyKey: string }
  | { ok: false; code: 'GOAL_NOT_FOUND' }
  | { ok: false; code: 'GOAL_NOT_COMPLETED'; status: string }
  | { ok: false; code: 'GOAL_ALREADY_CLAIMED' }
  | { ok: false; code: 'PREREQUISITES_NOT_MET'; missing: string[] };

export interface ClaimInput {
  goal: CatalogueGoal | undefined;
  record: UserGoalProgress | null;
  /** Records of the goal's prerequisites, by goal id (missing = no progress). */
  prerequisites: ReadonlyMap<string, UserGoalProgress | null>;
}

export function decideClaim({ goal, record, prerequisites }: ClaimInput): ClaimDecision {
  if (goal === undefined || record === null) return { ok: false, code: 'GOAL_NOT_FOUND' };
  if (record.status === 'claimed') return { ok: false, code: 'GOAL_ALREADY_CLAIMED' };
  if (record.status !== 'completed') return { ok: false, code: 'GOAL_NOT_COMPLETED', status: record.status };
  const missing = goal.prerequisites.filter((id) => {
    const prerequisite = prerequisites.get(id);
    return prerequisite === undefined || prerequisite === null || !isCompleted(prerequisite);
  });
  if (missing.length > 0) return { ok: false, code: 'PREREQUISITES_NOT_MET', missing };
  return { ok: true, idempotencyKey: claimIdempotencyKey(goal, record) };
}

/**
 * Stable across retries of the same claim: (userId, goalId), plus the UTC day
 * of completion for daily goals, which are claimable once per day. JSON keeps
 * the parts unambiguous whatever characters ids contain.
 */
export function claimIdempotencyKey(goal: Pick<CatalogueGoal, 'id' | 'type'>, record: Pick<UserGoalProgress, 'userId' | 'completedAt' | 'updatedAt'>): string {
  if (goal.type !== 'daily') return JSON.stringify([record.userId, goal.id]);
  const completedOn = record.completedAt ?? record.updatedAt;
  return JSON.stringify([record.userId, goal.id, completedOn === null ? null : utcDay(completedOn)]);
}
