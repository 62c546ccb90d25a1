import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CatalogueIndex,
  MAX_PROGRESS,
  ProgressOverflowError,
  applyGoalEffect,
  canClaim,
  isCompleted,
  parseCatalogue,
  planEventEffects,
  statusForProgress,
  utcDay,
  type GameEvent,
  type GoalEffect,
  type UserGoalProgress,
} from '../src/index.js';
import { catalogueInput, type GoalSpec } from './builders.js';

const DAY_MS = 86_400_000;
const START = Date.UTC(2024, 4, 1);
const NUM_RUNS = 300;

const users = ['u1', 'u2', 'u3'];
/** Goals with their targets; the INT-max target exercises saturation, 1 immediate completion. */
const goals = [
  { goalId: 'g-small', targetValue: 1 },
  { goalId: 'g-mid', targetValue: 10 },
  { goalId: 'g-max', targetValue: MAX_PROGRESS },
];

/** Instants over five UTC days, biased toward the edges of a day. */
const instant = fc
  .tuple(fc.integer({ min: 0, max: 4 }), fc.oneof(fc.constantFrom(0, 1, DAY_MS - 1, DAY_MS - 1000), fc.integer({ min: 0, max: DAY_MS - 1 })))
  .map(([day, ms]) => new Date(START + day * DAY_MS + ms));

/** Progress-sized numbers: small ones, and ones near INT max. */
const amount = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: MAX_PROGRESS - 20, max: MAX_PROGRESS }), fc.integer({ min: 0, max: MAX_PROGRESS }));

const target = fc.record({ userId: fc.constantFrom(...users), goal: fc.constantFrom(...goals) }).map(({ userId, goal }) => ({
  userId,
  goalId: goal.goalId,
  challengeId: 'c1',
  namespace: 'ns',
  targetValue: goal.targetValue,
}));

const effect: fc.Arbitrary<GoalEffect> = fc.oneof(
  fc.record({ t: target, value: amount, at: instant }).map(({ t, value, at }) => ({ ...t, kind: 'set' as const, value, at })),
  fc.record({ t: target, delta: amount, daily: fc.boolean(), at: instant }).map(({ t, delta, daily, at }) => ({ ...t, kind: 'increment' as const, delta, daily, at })),
  fc.record({ t: target, at: instant }).map(({ t, at }) => ({ ...t, kind: 'complete_daily' as const, at })),
);

/** A claim as the repository's markAsClaimed does it: completed → claimed, claimedAt = at. */
interface ClaimStep {
  kind: 'claim';
  userId: string;
  goalId: string;
  at: Date;
}
type Step = GoalEffect | ClaimStep;
const claim: fc.Arbitrary<ClaimStep> = fc.record({ t: target, at: instant }).map(({ t, at }) => ({ kind: 'claim', userId: t.userId, goalId: t.goalId, at }));
const steps = fc.array(fc.oneof({ arbitrary: effect, weight: 4 }, { arbitrary: claim, weight: 1 }), { maxLength: 60 });

const keyOf = (s: { userId: string; goalId: string }): string => JSON.stringify([s.userId, s.goalId]);

function checkRecord(r: UserGoalProgress): void {
  expect(Number.isInteger(r.progress)).toBe(true);
  expect(r.progress).toBeGreaterThanOrEqual(0);
  expect(r.progress).toBeLessThanOrEqual(MAX_PROGRESS);
  if (isCompleted(r)) expect(r.completedAt).not.toBeNull();
  if (r.status === 'claimed') expect(r.claimedAt).not.toBeNull();
  else expect(r.claimedAt).toBeNull();
}

function checkTransition(before: UserGoalProgress | null, effect: GoalEffect, after: UserGoalProgress): void {
  checkRecord(after);
  expect({ userId: after.userId, goalId: after.goalId, challengeId: after.challengeId, namespace: after.namespace }).toEqual({
    userId: effect.userId,
    goalId: effect.goalId,
    challengeId: effect.challengeId,
    namespace: effect.namespace,
  });
  if (before === null) {
    expect(after.createdAt).toEqual(effect.at);
    return;
  }
  expect(after.createdAt).toBe(before.createdAt);

  if (before.status === 'claimed') {
    const reopens = effect.kind === 'complete_daily' && before.claimedAt !== null && utcDay(effect.at) > utcDay(before.claimedAt);
    if (reopens) {
      expect(after).toMatchObject({ status: 'completed', claimedAt: null, completedAt: effect.at, updatedAt: effect.at });
      expect(after.progress).toBe(Math.max(before.progress, 1));
    } else {
      expect(after).toBe(before);
    }
    return;
  }

  if (effect.kind === 'complete_daily') {
    expect(after.status).toBe('completed');
    return;
  }
  if (isCompleted(before)) {
    expect(after.status).toBe('completed');
    if (before.completedAt !== null) expect(after.completedAt).toBe(before.completedAt);
  } else if (after !== before) {
    expect(after.status).toBe(statusForProgress(after.progress, effect.targetValue));
  }
}

describe('applyGoalEffect folded over any sequence of effects and claims', () => {
  it('keeps every invariant at every step', () => {
    fc.assert(
      fc.property(steps, (sequence) => {
        const table = new Map<string, UserGoalProgress>();
        for (const step of sequence) {
          const before = table.get(keyOf(step)) ?? null;
          if (step.kind === 'claim') {
            if (before !== null && canClaim(before)) table.set(keyOf(step), { ...before, status: 'claimed', claimedAt: step.at, completedAt: before.completedAt ?? step.at });
            continue;
          }
          const overflows =
            step.kind === 'increment' && before !== null && before.status !== 'claimed' && before.progress + step.delta > MAX_PROGRESS &&
            !(step.daily && before.updatedAt !== null && utcDay(before.updatedAt) >= utcDay(step.at));
          if (overflows) {
            // refused, not clamped: the record stays as it was
            expect(() => applyGoalEffect(before, step)).toThrow(ProgressOverflowError);
            continue;
          }
          const after = applyGoalEffect(before, step);
          checkTransition(before, step, after);
          table.set(keyOf(step), after);
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('touches only the record it is given (one user, one goal)', () => {
    fc.assert(
      fc.property(effect, (e) => {
        const after = applyGoalEffect(null, e);
        expect([after.userId, after.goalId]).toEqual([e.userId, e.goalId]);
      }),
      { numRuns: 100 },
    );
  });

  it('daily increments in time order count the first delta of each UTC day; one past INT max is refused and changes nothing', () => {
    const dailyIncrement = fc.record({ delta: amount, at: instant });
    fc.assert(
      fc.property(fc.array(dailyIncrement, { minLength: 1, maxLength: 40 }), (raw) => {
        const ordered = [...raw].sort((a, b) => a.at.getTime() - b.at.getTime());
        let current: UserGoalProgress | null = null;
        let expected = 0;
        let countedDay: string | undefined;
        for (const { delta, at } of ordered) {
          const effect = { userId: 'u1', goalId: 'g', challengeId: 'c', namespace: 'ns', targetValue: MAX_PROGRESS, kind: 'increment', delta, daily: true, at } as const;
          if (countedDay !== undefined && countedDay === utcDay(at)) {
            current = applyGoalEffect(current, effect);
            continue;
          }
          if (expected + delta > MAX_PROGRESS) {
            expect(() => applyGoalEffect(current, effect)).toThrow(ProgressOverflowError);
            continue;
          }
          current = applyGoalEffect(current, effect);
          expected += delta;
          countedDay = utcDay(at);
        }
        expect(current?.progress ?? 0).toBe(expected);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('regular increments add up to their sum, whatever the order; one past INT max is refused and changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ delta: amount, at: instant }), { minLength: 1, maxLength: 40 }), (raw) => {
        let current: UserGoalProgress | null = null;
        let expected = 0;
        for (const { delta, at } of raw) {
          const effect = { userId: 'u1', goalId: 'g', challengeId: 'c', namespace: 'ns', targetValue: 10, kind: 'increment', delta, daily: false, at } as const;
          if (expected + delta > MAX_PROGRESS) {
            expect(() => applyGoalEffect(current, effect)).toThrow(ProgressOverflowError);
            continue;
          }
          current = applyGoalEffect(current, effect);
          expected += delta;
        }
        expect(current?.progress).toBe(expected);
        expect(isCompleted(current ?? { status: 'not_started' })).toBe(expected >= 10);
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('planEventEffects', () => {
  const statCodes = ['login_count', 'kills', 'wins'];
  const goalSpec = fc
    .record({
      type: fc.constantFrom('absolute' as const, 'increment' as const, 'daily' as const),
      eventSource: fc.constantFrom('login' as const, 'statistic' as const),
      daily: fc.boolean(),
      statCode: fc.constantFrom(...statCodes),
      targetValue: fc.integer({ min: 1, max: 1000 }),
    })
    .map(({ type, eventSource, daily, statCode, targetValue }) => ({ type, eventSource, daily: type === 'increment' && daily, statCode, targetValue }));
  const catalogue = fc.array(goalSpec, { minLength: 1, maxLength: 12 }).map((specs) => {
    const goalsOf = (challenge: number): GoalSpec[] =>
      specs.flatMap((s, i) =>
        i % 2 === challenge
          ? [{ id: `g${i}`, type: s.type, eventSource: s.eventSource, daily: s.daily, requirement: { statCode: s.statCode, operator: '>=' as const, targetValue: s.targetValue } }]
          : [],
      );
    return new CatalogueIndex(parseCatalogue(catalogueInput({ c0: goalsOf(0), c1: goalsOf(1) })));
  });
  const event: fc.Arbitrary<GameEvent> = fc.oneof(
    fc.record({ userId: fc.constantFrom(...users), occurredAt: instant }).map(({ userId, occurredAt }) => ({ id: 'e', type: 'login' as const, userId, namespace: 'ns', occurredAt })),
    fc
      .record({
        userId: fc.constantFrom(...users),
        occurredAt: instant,
        statCode: fc.constantFrom(...statCodes, 'unused'),
        value: fc.oneof(fc.integer({ min: 0, max: MAX_PROGRESS }), fc.double({ min: 0, max: MAX_PROGRESS, noNaN: true })),
        inc: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
      })
      .map(({ inc, ...rest }) => (inc === undefined ? { ...rest, id: 'e', type: 'statistic' as const, namespace: 'ns' } : { ...rest, inc, id: 'e', type: 'statistic' as const, namespace: 'ns' })),
  );

  it('touches exactly the goals of the event source (and stat code), one effect each', () => {
    fc.assert(
      fc.property(catalogue, event, (index, e) => {
        // inc 0 advances no increment goal (issue 21: AGS's default inc)
        const zeroInc = e.type === 'statistic' && e.inc === 0;
        const listening = [...index.goals].filter((g) => g.eventSource === e.type && (e.type === 'login' || g.requirement.statCode === e.statCode) && !(zeroInc && g.type === 'increment'));
        const plan = planEventEffects(index, e);
        if (listening.length === 0) {
          expect(plan.outcome).toBe('ignored');
          return;
        }
        if (plan.outcome !== 'applied') return expect.fail('an event some goal listens to was ignored');
        expect(plan.effects.map((x) => x.goalId).sort()).toEqual(listening.map((g) => g.id).sort());
        for (const x of plan.effects) {
          const goal = index.goal(x.goalId);
          expect(goal?.eventSource).toBe(e.type);
          expect(x).toMatchObject({ userId: e.userId, namespace: e.namespace, challengeId: goal?.challengeId, targetValue: goal?.requirement.targetValue, at: e.occurredAt });
          const expectedKind = { absolute: 'set', increment: 'increment', daily: 'complete_daily' }[goal?.type ?? 'absolute'];
          expect(x.kind).toBe(expectedKind);
          if (x.kind === 'set') {
            expect(Number.isInteger(x.value)).toBe(true);
            expect(x.value).toBe(e.type === 'login' ? 1 : Math.trunc(e.value));
          }
          if (x.kind === 'increment') {
            expect(x.delta).toBe(e.type === 'statistic' ? (e.inc ?? 1) : 1);
            expect(x.daily).toBe(goal?.daily);
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});
