import {
  GoalAlreadyClaimedError,
  GoalNotCompletedError,
  GoalNotFoundError,
  PrerequisitesNotMetError,
  type ClaimDecision,
  type GoalError,
} from '@goals/domain';

type ClaimRefusal = Extract<ClaimDecision, { ok: false }>;

/** The domain's typed error for a claim the domain refused; the switch is exhaustive over the decision's codes. */
export function claimRefusalError(refusal: ClaimRefusal, userId: string, goalId: string): GoalError {
  const operation = 'claimReward';
  switch (refusal.code) {
    case 'GOAL_NOT_FOUND':
      return new GoalNotFoundError(operation, userId, goalId);
    case 'GOAL_NOT_COMPLETED':
      return new GoalNotCompletedError(operation, userId, goalId, refusal.status);
    case 'GOAL_ALREADY_CLAIMED':
      return new GoalAlreadyClaimedError(operation, userId, goalId);
    case 'PREREQUISITES_NOT_MET':
      return new PrerequisitesNotMetError(operation, userId, goalId, refusal.missing);
  }
}
