import type { CatalogueIndex, IndexedGoal } from './catalogue.js';
import type { GameEvent } from './events.js';
import { MAX_PROGRESS, statusForProgress, utcDay, type UserGoalProgress } from './progress.js';
import { ProgressOverflowError } from './errors.js';

/**
 * What an event does to goals (SPEC §4.2), as data. `planEventEffects` decides;
 * `applyGoalEffect` is the reference semantics of one effect on one record —
 * the SQL in @goals/prisma-repo implements the same rules set-wise, and the
 * tests fold events through these functions to compute the expected table.
 */
export interface GoalTarget {
  userId: string;
  goalId: string;
  challengeId: string;
  namespace: string;
  targetValue: number;
}

/** absolute goals: progress becomes `value` (completion is sticky). */
export interface SetProgressEffect extends GoalTarget {
  kind: 'set';
  value: number;
  at: Date;
}

/** increment goals: progress += delta; `daily`: at most once per UTC day of `at`. */
export interface IncrementProgressEffect extends GoalTarget {
  kind: 'increment';
  delta: number;
  daily: boolean;
  at: Date;
}

/** daily goals: completed for the UTC day of `at`; reopens a goal claimed on an earlier day. */
export interface CompleteDailyEffect extends GoalTarget {
  kind: 'complete_daily';
  at: Date;
}

export type GoalEffect = SetProgressEffect | IncrementProgressEffect | CompleteDailyEffect;

export type EventPlan =
  | { outcome: 'applied'; effects: GoalEffect[] }
  /** The event is valid but no goal listens to it (no goal of its source and stat code). */
  | { outcome: 'ignored'; reason: string };

/**
 * What one event does, computed once per event: the goals it touches (only
 * goals whose eventSource matches; statistic goals by stat code) and the
 * amounts. `effectFor` turns it into one goal's effect; hot loops read the
 * fields directly instead of allocating an effect per goal.
 */
export interface EventImpact {
  userId: string;
  namespace: string;
  at: Date;
  /** UTC day of `at`, `YYYY-MM-DD`. */
  day: string;
  goals: readonly IndexedGoal[];
  /** New progress of absolute goals: 1 for a login, the statistic's integer part otherwise. */
  value: number;
  /** Delta of increment goals: the statistic's `inc`, else 1 (increment goals are left out of `goals` when it is 0). */
  delta: number;
}

export type EventImpactResult = { outcome: 'applied'; impact: EventImpact } | { outcome: 'ignored'; reason: string };

export function eventImpact(index: CatalogueIndex, event: GameEvent): EventImpactResult {
  const delta = event.type === 'statistic' ? (event.inc ?? 1) : 1;
  const listening = event.type === 'login' ? index.loginGoals() : index.statisticGoals(event.statCode);
  // inc 0 (AGS's default, an OVERRIDE update) advances no increment goal; as a +0 write it would still
  // use up a daily increment's day, and which event of that day counted would then depend on arrival order
  const goals = delta === 0 ? listening.filter((goal) => goal.effectKind !== 'increment') : listening;
  if (goals.length === 0) {
    if (listening.length > 0) return { outcome: 'ignored', reason: `inc is 0 and only increment goals listen to stat code ${JSON.stringify(event.type === 'statistic' ? event.statCode : '')}` };
    return { outcome: 'ignored', reason: event.type === 'login' ? 'no login goal in the catalogue' : `no statistic goal for stat code ${JSON.stringify(event.statCode)}` };
  }
  return {
    outcome: 'applied',
    impact: {
      userId: event.userId,
      namespace: event.namespace,
      at: event.occurredAt,
      day: utcDay(event.occurredAt),
      goals,
      value: event.type === 'login' ? 1 : Math.trunc(event.value),
      delta,
    },
  };
}

/** Only goals whose eventSource matches the event kind are touched. */
export function planEventEffects(index: CatalogueIndex, event: GameEvent): EventPlan {
  const result = eventImpact(index, event);
  if (result.outcome === 'ignored') return result;
  return { outcome: 'applied', effects: result.impact.goals.map((goal) => effectFor(result.impact, goal)) };
}

export function effectFor(impact: EventImpact, goal: IndexedGoal): GoalEffect {
  const target: GoalTarget = {
    userId: impact.userId,
    goalId: goal.id,
    challengeId: goal.challengeId,
    namespace: impact.namespace,
    targetValue: goal.requirement.targetValue,
  };
  switch (goal.effectKind) {
    case 'set':
      return { ...target, kind: 'set', value: impact.value, at: impact.at };
    case 'increment':
      return { ...target, kind: 'increment', delta: impact.delta, daily: goal.daily, at: impact.at };
    case 'complete_daily':
      return { ...target, kind: 'complete_daily', at: impact.at };
  }
}

/**
 * The record after one effect. Rules:
 * - a claimed record never changes, except a daily goal claimed on an earlier
 *   UTC day, which a later day's completion reopens;
 * - completion is sticky and always carries completedAt (set the first time);
 * - an increment that would take progress past the INT maximum is refused
 *   (ProgressOverflowError), not clamped;
 * - a daily increment adds only when the record was last written on an earlier
 *   UTC day than `at` (a missing record starts at delta).
 * Returns the same object when nothing changes.
 */
export function applyGoalEffect(current: UserGoalProgress | null, effect: GoalEffect): UserGoalProgress {
  const base: UserGoalProgress = current ?? {
    userId: effect.userId,
    goalId: effect.goalId,
    challengeId: effect.challengeId,
    namespace: effect.namespace,
    progress: 0,
    status: 'not_started',
    completedAt: null,
    claimedAt: null,
    createdAt: effect.at,
    updatedAt: effect.at,
  };
  if (effect.kind === 'complete_daily') return completeDaily(current, base, effect.at);
  if (base.status === 'claimed') return base;

  let progress: number;
  if (effect.kind === 'set') {
    progress = effect.value;
  } else {
    const writtenEarlierDay = current === null || current.updatedAt === null || utcDay(current.updatedAt) < utcDay(effect.at);
    if (effect.daily && !writtenEarlierDay) return base;
    progress = base.progress + effect.delta;
    if (progress > MAX_PROGRESS) {
      throw new ProgressOverflowError('applyGoalEffect', { userId: base.userId, goalId: base.goalId, progress: base.progress, delta: effect.delta });
    }
  }
  const wasCompleted = base.status === 'completed';
  const status = wasCompleted ? 'completed' : statusForProgress(progress, effect.targetValue);
  const completedAt = status === 'completed' ? (base.completedAt ?? effect.at) : null;
  return { ...base, progress, status, completedAt, updatedAt: effect.at };
}

function completeDaily(current: UserGoalProgress | null, base: UserGoalProgress, at: Date): UserGoalProgress {
  const day = utcDay(at);
  if (base.status === 'claimed') {
    if (base.claimedAt !== null && utcDay(base.claimedAt) >= day) return base;
    return { ...base, progress: Math.max(base.progress, 1), status: 'completed', completedAt: at, claimedAt: null, updatedAt: at };
  }
  if (current !== null && base.status === 'completed' && base.completedAt !== null && utcDay(base.completedAt) >= day) return base;
  return { ...base, progress: Math.max(base.progress, 1), status: 'completed', completedAt: at, updatedAt: at };
}
