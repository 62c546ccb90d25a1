/**
 * A player's progress toward one goal: one row of `user_goal_progress`.
 *
 * Status machine: not_started → in_progress → completed → claimed.
 * `claimed` is terminal for every write path except the daily-reward reopening
 * (a daily goal claimed on an earlier UTC day becomes `completed` again when
 * the player completes it on a later day; see `applyGoalEffect`).
 */
export const GOAL_STATUSES = ['not_started', 'in_progress', 'completed', 'claimed'] as const;
export type GoalStatus = (typeof GOAL_STATUSES)[number];

export interface UserGoalProgress {
  userId: string;
  goalId: string;
  challengeId: string;
  namespace: string;
  /** int ≥ 0 that fits a signed 32-bit INT */
  progress: number;
  status: GoalStatus;
  completedAt: Date | null;
  claimedAt: Date | null;
  createdAt: Date | null;
  updatedAt: Date | null;
}

/** Largest value a PostgreSQL INT column holds. */
export const MAX_PROGRESS = 2_147_483_647;
/** Ids are VARCHAR(100): counted in characters (code points), not UTF-16 units. */
export const MAX_ID_LENGTH = 100;

export function isGoalStatus(value: unknown): value is GoalStatus {
  return typeof value === 'string' && (GOAL_STATUSES as readonly string[]).includes(value);
}

/** Completed or claimed: the requirement has been met at some point. */
export function isCompleted(p: Pick<UserGoalProgress, 'status'>): boolean {
  return p.status === 'completed' || p.status === 'claimed';
}

export function isClaimed(p: Pick<UserGoalProgress, 'status'>): boolean {
  return p.status === 'claimed';
}

/** Only a completed (not yet claimed) goal can be claimed. */
export function canClaim(p: Pick<UserGoalProgress, 'status'>): boolean {
  return p.status === 'completed';
}

/** The catalogue supports the `>=` operator only (as the Go original). */
export function meetsRequirement(progress: number, targetValue: number): boolean {
  return progress >= targetValue;
}

/**
 * The status a write computes from a progress value, before stickiness:
 * 0 → not_started, below target → in_progress, at or above → completed.
 */
export function statusForProgress(progress: number, targetValue: number): GoalStatus {
  if (meetsRequirement(progress, targetValue)) return 'completed';
  return progress > 0 ? 'in_progress' : 'not_started';
}

/** UTC calendar day of an instant, as `YYYY-MM-DD` (independent of the process TZ). */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}
