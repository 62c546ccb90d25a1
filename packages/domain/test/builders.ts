import {
  CatalogueIndex,
  parseCatalogue,
  type CatalogueGoal,
  type CatalogueInput,
  type GoalEffect,
  type GoalTarget,
  type GoalStatus,
  type UserGoalProgress,
} from '../src/index.js';

/** What the tests write for one goal: every field optional, sensible defaults. */
export type GoalSpec = Partial<CatalogueInput['challenges'][number]['goals'][number]> & { id: string };

export function goalInput(spec: GoalSpec): CatalogueInput['challenges'][number]['goals'][number] {
  return {
    name: `Goal ${spec.id}`,
    type: 'absolute',
    eventSource: 'statistic',
    requirement: { statCode: 'kills', operator: '>=', targetValue: 10 },
    reward: { type: 'ITEM', rewardId: 'sword', quantity: 1 },
    ...spec,
  };
}

export function catalogueInput(challenges: Record<string, GoalSpec[]>): CatalogueInput {
  return {
    challenges: Object.entries(challenges).map(([id, goals]) => ({ id, name: `Challenge ${id}`, goals: goals.map(goalInput) })),
  };
}

export function indexOf(challenges: Record<string, GoalSpec[]>): CatalogueIndex {
  return new CatalogueIndex(parseCatalogue(catalogueInput(challenges)));
}

export function catalogueGoal(spec: GoalSpec & { challengeId?: string }): CatalogueGoal {
  const { challengeId = 'c1', ...goal } = spec;
  const index = indexOf({ [challengeId]: [goal] });
  const found = index.goal(goal.id);
  if (found === undefined) throw new Error(`test setup: goal ${goal.id} missing from its own catalogue`);
  return found;
}

export function record(overrides: Partial<UserGoalProgress> & { status: GoalStatus }): UserGoalProgress {
  const at = new Date('2024-05-01T12:00:00Z');
  return {
    userId: 'u1',
    goalId: 'g1',
    challengeId: 'c1',
    namespace: 'ns',
    progress: 0,
    completedAt: null,
    claimedAt: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

const target: GoalTarget = { userId: 'u1', goalId: 'g1', challengeId: 'c1', namespace: 'ns', targetValue: 10 };

export function setEffect(value: number, at: string, overrides: Partial<GoalTarget> = {}): GoalEffect {
  return { ...target, kind: 'set' as const, value, at: new Date(at), ...overrides };
}

export function incrementEffect(delta: number, at: string, daily = false, overrides: Partial<GoalTarget> = {}): GoalEffect {
  return { ...target, kind: 'increment' as const, delta, daily, at: new Date(at), ...overrides };
}

export function completeDailyEffect(at: string, overrides: Partial<GoalTarget> = {}): GoalEffect {
  return { ...target, kind: 'complete_daily' as const, at: new Date(at), ...overrides };
}

/** Runs `body` with the process time zone set to `tz`, then restores it. */
export function inTimeZone<T>(tz: string, body: () => T): T {
  const previous = process.env.TZ;
  process.env.TZ = tz;
  try {
    return body();
  } finally {
    if (previous === undefined) delete process.env.TZ;
    else process.env.TZ = previous;
  }
}
