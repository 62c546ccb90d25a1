import { describe, expect, it } from 'vitest';
import {
  MAX_PROGRESS,
  ProgressOverflowError,
  applyGoalEffect,
  planEventEffects,
  type GameEvent,
  type GoalEffect,
  type LoginEvent,
  type StatisticEvent,
  type UserGoalProgress,
} from '../src/index.js';
import { completeDailyEffect, incrementEffect, indexOf, record, setEffect } from './builders.js';

const at = new Date('2024-05-01T10:00:00Z');
const login: LoginEvent = { id: 'e1', type: 'login', userId: 'u1', namespace: 'ns', occurredAt: at };
function statistic(statCode: string, value: number, inc?: number): StatisticEvent {
  const event: StatisticEvent = { id: 'e2', type: 'statistic', userId: 'u1', namespace: 'ns', occurredAt: at, statCode, value };
  return inc === undefined ? event : { ...event, inc };
}

function effectsOf(plan: ReturnType<typeof planEventEffects>): GoalEffect[] {
  if (plan.outcome !== 'applied') expect.fail(`ignored: ${plan.reason}`);
  return plan.effects;
}

/** Folds effects from no record, the way the repository would. */
function fold(effects: GoalEffect[], start: UserGoalProgress | null = null): UserGoalProgress | null {
  return effects.reduce<UserGoalProgress | null>((current, effect) => applyGoalEffect(current, effect), start);
}

describe('planEventEffects', () => {
  const index = indexOf({
    c1: [
      { id: 'login-abs', type: 'absolute', eventSource: 'login', requirement: { statCode: 'kills', operator: '>=', targetValue: 1 } },
      { id: 'login-inc', type: 'increment', eventSource: 'login', daily: true, requirement: { statCode: 'login_count', operator: '>=', targetValue: 7 } },
      { id: 'login-daily', type: 'daily', eventSource: 'login', requirement: { statCode: 'login_count', operator: '>=', targetValue: 1 } },
    ],
    c2: [
      { id: 'kills-abs', type: 'absolute', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 100 } },
      { id: 'kills-inc', type: 'increment', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 50 } },
      { id: 'kills-inc-daily', type: 'increment', eventSource: 'statistic', daily: true, requirement: { statCode: 'kills', operator: '>=', targetValue: 5 } },
      { id: 'kills-daily', type: 'daily', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 1 } },
      { id: 'wins-abs', type: 'absolute', eventSource: 'statistic', requirement: { statCode: 'wins', operator: '>=', targetValue: 3 } },
    ],
  });

  it('a login touches every login goal and nothing else: absolute → 1, increment → +1 (daily flag kept), daily → complete', () => {
    const effects = effectsOf(planEventEffects(index, login));
    expect(effects).toEqual([
      { userId: 'u1', goalId: 'login-abs', challengeId: 'c1', namespace: 'ns', targetValue: 1, kind: 'set', value: 1, at },
      { userId: 'u1', goalId: 'login-inc', challengeId: 'c1', namespace: 'ns', targetValue: 7, kind: 'increment', delta: 1, daily: true, at },
      { userId: 'u1', goalId: 'login-daily', challengeId: 'c1', namespace: 'ns', targetValue: 1, kind: 'complete_daily', at },
    ]);
  });

  it('a statistic touches only statistic goals of its stat code, even when a login goal shares the stat code', () => {
    const effects = effectsOf(planEventEffects(index, statistic('kills', 42)));
    expect(effects.map((e) => e.goalId)).toEqual(['kills-abs', 'kills-inc', 'kills-inc-daily', 'kills-daily']);
    expect(effects.map((e) => e.goalId)).not.toContain('login-abs');
  });

  it('carries the event user, namespace, time and the goal challenge and target', () => {
    const event: StatisticEvent = { ...statistic('wins', 2), userId: 'player-9', namespace: 'eu', occurredAt: new Date('2024-06-02T00:00:00Z') };
    expect(effectsOf(planEventEffects(index, event))).toEqual([
      { userId: 'player-9', goalId: 'wins-abs', challengeId: 'c2', namespace: 'eu', targetValue: 3, kind: 'set', value: 2, at: new Date('2024-06-02T00:00:00Z') },
    ]);
  });

  it('absolute takes the integer part of the value', () => {
    expect(effectsOf(planEventEffects(index, statistic('wins', 2.99)))).toEqual([expect.objectContaining({ kind: 'set', value: 2 })]);
    expect(effectsOf(planEventEffects(index, statistic('wins', 0.5)))).toEqual([expect.objectContaining({ kind: 'set', value: 0 })]);
  });

  it('increment adds inc when the event carries one, else 1; the value itself is not the delta', () => {
    const withInc = effectsOf(planEventEffects(index, statistic('kills', 42, 5)));
    expect(withInc.find((e) => e.goalId === 'kills-inc')).toMatchObject({ kind: 'increment', delta: 5, daily: false });
    expect(withInc.find((e) => e.goalId === 'kills-inc-daily')).toMatchObject({ kind: 'increment', delta: 5, daily: true });
    const withoutInc = effectsOf(planEventEffects(index, statistic('kills', 42)));
    expect(withoutInc.find((e) => e.goalId === 'kills-inc')).toMatchObject({ kind: 'increment', delta: 1 });
  });

  it('inc 0 touches no increment goal (a +0 write would still use up a daily increment\'s day); the other goals still apply', () => {
    const zero = effectsOf(planEventEffects(index, statistic('kills', 42, 0)));
    expect(zero.filter((e) => e.kind === 'increment')).toEqual([]);
    expect(zero.find((e) => e.goalId === 'kills-abs')).toMatchObject({ kind: 'set', value: 42 });
  });

  it('absolute ignores inc and still sets the value', () => {
    expect(effectsOf(planEventEffects(index, statistic('kills', 42, 5))).find((e) => e.goalId === 'kills-abs')).toMatchObject({ kind: 'set', value: 42 });
  });

  it('ignores a statistic no goal listens to, saying why', () => {
    const plan = planEventEffects(index, statistic('deaths', 1));
    expect(plan).toEqual({ outcome: 'ignored', reason: 'no statistic goal for stat code "deaths"' });
  });

  it('ignores a statistic whose stat code only login goals use', () => {
    expect(planEventEffects(index, statistic('login_count', 3))).toMatchObject({ outcome: 'ignored' });
  });

  it('ignores a login when no login goal exists', () => {
    const statisticOnly = indexOf({ c: [{ id: 'g', eventSource: 'statistic' }] });
    expect(planEventEffects(statisticOnly, login)).toEqual({ outcome: 'ignored', reason: 'no login goal in the catalogue' });
  });
});

describe('applyGoalEffect: set (absolute)', () => {
  it('creates a missing record with createdAt/updatedAt = at', () => {
    const next = applyGoalEffect(null, setEffect(4, '2024-05-01T10:00:00Z'));
    expect(next).toEqual({
      userId: 'u1',
      goalId: 'g1',
      challengeId: 'c1',
      namespace: 'ns',
      progress: 4,
      status: 'in_progress',
      completedAt: null,
      claimedAt: null,
      createdAt: new Date('2024-05-01T10:00:00Z'),
      updatedAt: new Date('2024-05-01T10:00:00Z'),
    });
  });

  it('a value of 0 makes a not_started record', () => {
    expect(applyGoalEffect(null, setEffect(0, '2024-05-01T10:00:00Z'))).toMatchObject({ progress: 0, status: 'not_started' });
  });

  it('completes at the target with completedAt = at', () => {
    expect(applyGoalEffect(null, setEffect(10, '2024-05-01T10:00:00Z'))).toMatchObject({ progress: 10, status: 'completed', completedAt: new Date('2024-05-01T10:00:00Z') });
  });

  it('overwrites progress downwards while not completed', () => {
    const next = fold([setEffect(8, '2024-05-01T10:00:00Z'), setEffect(3, '2024-05-01T11:00:00Z')]);
    expect(next).toMatchObject({ progress: 3, status: 'in_progress', updatedAt: new Date('2024-05-01T11:00:00Z') });
  });

  it('completion is sticky: a lower value keeps completed and the first completedAt', () => {
    const next = fold([setEffect(12, '2024-05-01T10:00:00Z'), setEffect(2, '2024-05-02T10:00:00Z'), setEffect(20, '2024-05-03T10:00:00Z')]);
    expect(next).toMatchObject({ progress: 20, status: 'completed', completedAt: new Date('2024-05-01T10:00:00Z'), updatedAt: new Date('2024-05-03T10:00:00Z') });
    expect(fold([setEffect(12, '2024-05-01T10:00:00Z'), setEffect(0, '2024-05-02T10:00:00Z')])).toMatchObject({ status: 'completed', progress: 0 });
  });

  it('fills in a missing completedAt on a completed record', () => {
    const broken = record({ status: 'completed', progress: 10, completedAt: null });
    expect(applyGoalEffect(broken, setEffect(11, '2024-05-02T10:00:00Z'))).toMatchObject({ status: 'completed', completedAt: new Date('2024-05-02T10:00:00Z') });
  });

  it('leaves a claimed record untouched (same object)', () => {
    const claimed = record({ status: 'claimed', progress: 10, completedAt: at, claimedAt: at });
    expect(applyGoalEffect(claimed, setEffect(99, '2024-05-02T10:00:00Z'))).toBe(claimed);
    expect(applyGoalEffect(claimed, setEffect(0, '2024-05-02T10:00:00Z'))).toBe(claimed);
  });

  it('keeps createdAt of an existing record', () => {
    const existing = record({ status: 'in_progress', progress: 1, createdAt: new Date('2024-01-01T00:00:00Z') });
    expect(applyGoalEffect(existing, setEffect(2, '2024-05-02T10:00:00Z')).createdAt).toEqual(new Date('2024-01-01T00:00:00Z'));
  });
});

describe('applyGoalEffect: increment', () => {
  it('a missing record starts at delta', () => {
    expect(applyGoalEffect(null, incrementEffect(3, '2024-05-01T10:00:00Z'))).toMatchObject({ progress: 3, status: 'in_progress' });
  });

  it('adds deltas and completes at the target with completedAt of the completing write', () => {
    const next = fold([incrementEffect(4, '2024-05-01T10:00:00Z'), incrementEffect(4, '2024-05-01T11:00:00Z'), incrementEffect(4, '2024-05-01T12:00:00Z')]);
    expect(next).toMatchObject({ progress: 12, status: 'completed', completedAt: new Date('2024-05-01T12:00:00Z') });
  });

  it('keeps counting past completion without moving completedAt', () => {
    const next = fold([incrementEffect(10, '2024-05-01T10:00:00Z'), incrementEffect(5, '2024-05-02T10:00:00Z')]);
    expect(next).toMatchObject({ progress: 15, status: 'completed', completedAt: new Date('2024-05-01T10:00:00Z'), updatedAt: new Date('2024-05-02T10:00:00Z') });
  });

  it('a zero delta on a missing record creates it not_started', () => {
    expect(applyGoalEffect(null, incrementEffect(0, '2024-05-01T10:00:00Z'))).toMatchObject({ progress: 0, status: 'not_started' });
  });

  it('refuses an increment past INT max instead of clamping it (ProgressOverflowError)', () => {
    const near = record({ status: 'completed', progress: MAX_PROGRESS - 1, completedAt: at });
    expect(() => applyGoalEffect(near, incrementEffect(5, '2024-05-02T10:00:00Z', false, { targetValue: 10 }))).toThrow(ProgressOverflowError);
    const full = record({ status: 'completed', progress: MAX_PROGRESS, completedAt: at });
    expect(() => applyGoalEffect(full, incrementEffect(1, '2024-05-02T10:00:00Z'))).toThrow(
      expect.objectContaining({ code: 'PROGRESS_OVERFLOW', userId: full.userId, goalId: full.goalId, progress: MAX_PROGRESS, delta: 1 }),
    );
    // exactly INT max is still a value
    expect(applyGoalEffect(near, incrementEffect(1, '2024-05-02T10:00:00Z', false, { targetValue: 10 })).progress).toBe(MAX_PROGRESS);
  });

  it('a daily increment that does not count on its day cannot overflow', () => {
    const full = record({ status: 'completed', progress: MAX_PROGRESS, completedAt: at, updatedAt: new Date('2024-05-02T09:00:00Z') });
    expect(applyGoalEffect(full, incrementEffect(5, '2024-05-02T10:00:00Z', true))).toBe(full);
  });

  it('reaching an INT-max target exactly completes the goal', () => {
    const near = record({ status: 'in_progress', progress: MAX_PROGRESS - 2 });
    expect(applyGoalEffect(near, incrementEffect(2, '2024-05-02T10:00:00Z', false, { targetValue: MAX_PROGRESS }))).toMatchObject({
      progress: MAX_PROGRESS,
      status: 'completed',
    });
  });

  it('leaves a claimed record untouched (same object)', () => {
    const claimed = record({ status: 'claimed', progress: 10, completedAt: at, claimedAt: at });
    expect(applyGoalEffect(claimed, incrementEffect(1, '2024-05-02T10:00:00Z'))).toBe(claimed);
    expect(applyGoalEffect(claimed, incrementEffect(1, '2024-05-03T10:00:00Z', true))).toBe(claimed);
  });
});

describe('applyGoalEffect: daily increment (at most once per UTC day of the last write)', () => {
  it('counts once per UTC day', () => {
    const next = fold([
      incrementEffect(1, '2024-05-01T00:00:00Z', true),
      incrementEffect(1, '2024-05-01T12:00:00Z', true),
      incrementEffect(1, '2024-05-01T23:59:59.999Z', true),
      incrementEffect(1, '2024-05-02T00:00:00Z', true),
      incrementEffect(1, '2024-05-02T08:00:00Z', true),
      incrementEffect(1, '2024-05-04T08:00:00Z', true),
    ]);
    expect(next).toMatchObject({ progress: 3, status: 'in_progress', updatedAt: new Date('2024-05-04T08:00:00Z') });
  });

  it('a missing record starts at delta', () => {
    expect(applyGoalEffect(null, incrementEffect(4, '2024-05-01T10:00:00Z', true))).toMatchObject({ progress: 4 });
  });

  it('a same-day call returns the same object', () => {
    const existing = record({ status: 'in_progress', progress: 2, updatedAt: new Date('2024-05-01T01:00:00Z') });
    expect(applyGoalEffect(existing, incrementEffect(1, '2024-05-01T23:00:00Z', true))).toBe(existing);
  });

  it('an event from an earlier day than the last write does not count (replays never go back in time)', () => {
    const existing = record({ status: 'in_progress', progress: 2, updatedAt: new Date('2024-05-03T01:00:00Z') });
    expect(applyGoalEffect(existing, incrementEffect(1, '2024-05-02T23:00:00Z', true))).toBe(existing);
  });

  it('compares UTC days, not 24-hour windows: 23:59 then 00:01 counts twice', () => {
    const next = fold([incrementEffect(1, '2024-05-01T23:59:00Z', true), incrementEffect(1, '2024-05-02T00:01:00Z', true)]);
    expect(next?.progress).toBe(2);
  });

  it('a record with no updatedAt counts as written on an earlier day', () => {
    const existing = record({ status: 'in_progress', progress: 2, updatedAt: null });
    expect(applyGoalEffect(existing, incrementEffect(1, '2024-05-01T10:00:00Z', true)).progress).toBe(3);
  });

  it('a regular increment on the same day still counts (the flag decides, not the record)', () => {
    const existing = record({ status: 'in_progress', progress: 2, updatedAt: new Date('2024-05-01T01:00:00Z') });
    expect(applyGoalEffect(existing, incrementEffect(1, '2024-05-01T23:00:00Z', false)).progress).toBe(3);
  });
});

describe('applyGoalEffect: complete_daily', () => {
  it('completes a missing record for the day with progress 1', () => {
    expect(applyGoalEffect(null, completeDailyEffect('2024-05-01T10:00:00Z'))).toMatchObject({
      progress: 1,
      status: 'completed',
      completedAt: new Date('2024-05-01T10:00:00Z'),
      claimedAt: null,
    });
  });

  it('completes an in-progress record whatever its target', () => {
    const existing = record({ status: 'in_progress', progress: 3 });
    expect(applyGoalEffect(existing, completeDailyEffect('2024-05-02T10:00:00Z', { targetValue: 1000 }))).toMatchObject({ progress: 3, status: 'completed' });
  });

  it('a second completion on the same UTC day changes nothing', () => {
    const first = applyGoalEffect(null, completeDailyEffect('2024-05-01T10:00:00Z'));
    expect(applyGoalEffect(first, completeDailyEffect('2024-05-01T23:59:59Z'))).toBe(first);
  });

  it('an unclaimed completion on a later day moves completedAt to that day', () => {
    const next = fold([completeDailyEffect('2024-05-01T10:00:00Z'), completeDailyEffect('2024-05-02T09:00:00Z')]);
    expect(next).toMatchObject({ status: 'completed', completedAt: new Date('2024-05-02T09:00:00Z') });
  });

  it('an older completion never moves completedAt back', () => {
    const next = fold([completeDailyEffect('2024-05-03T10:00:00Z'), completeDailyEffect('2024-05-02T09:00:00Z')]);
    expect(next).toMatchObject({ completedAt: new Date('2024-05-03T10:00:00Z') });
  });

  it('fills in a missing completedAt on a completed record', () => {
    const broken = record({ status: 'completed', progress: 1, completedAt: null });
    expect(applyGoalEffect(broken, completeDailyEffect('2024-05-01T10:00:00Z'))).toMatchObject({ completedAt: new Date('2024-05-01T10:00:00Z') });
  });

  it('reopens a goal claimed on an earlier UTC day', () => {
    const claimed = record({ status: 'claimed', progress: 1, completedAt: new Date('2024-05-01T08:00:00Z'), claimedAt: new Date('2024-05-01T09:00:00Z') });
    expect(applyGoalEffect(claimed, completeDailyEffect('2024-05-02T00:00:01Z'))).toEqual({
      ...claimed,
      status: 'completed',
      completedAt: new Date('2024-05-02T00:00:01Z'),
      claimedAt: null,
      updatedAt: new Date('2024-05-02T00:00:01Z'),
    });
  });

  it('does not reopen a goal claimed on the same UTC day, nor on a later one than the event', () => {
    const claimed = record({ status: 'claimed', progress: 1, completedAt: new Date('2024-05-01T08:00:00Z'), claimedAt: new Date('2024-05-01T09:00:00Z') });
    expect(applyGoalEffect(claimed, completeDailyEffect('2024-05-01T23:59:59.999Z'))).toBe(claimed);
    expect(applyGoalEffect(claimed, completeDailyEffect('2024-04-30T12:00:00Z'))).toBe(claimed);
  });

  it('keeps the progress of a reopened record (at least 1)', () => {
    const claimed = record({ status: 'claimed', progress: 0, completedAt: at, claimedAt: at });
    expect(applyGoalEffect(claimed, completeDailyEffect('2024-05-09T10:00:00Z')).progress).toBe(1);
  });
});

describe('applyGoalEffect on events planned from the catalogue', () => {
  it('a login-sourced daily goal is claimable again each day, via planEventEffects', () => {
    const index = indexOf({ c: [{ id: 'daily', type: 'daily', eventSource: 'login' }] });
    const planFor = (occurredAt: string): GameEvent => ({ ...login, occurredAt: new Date(occurredAt) });
    let current = fold(effectsOf(planEventEffects(index, planFor('2024-05-01T10:00:00Z'))));
    expect(current).toMatchObject({ status: 'completed' });
    current = { ...(current as UserGoalProgress), status: 'claimed', claimedAt: new Date('2024-05-01T10:05:00Z') };
    current = fold(effectsOf(planEventEffects(index, planFor('2024-05-01T18:00:00Z'))), current);
    expect(current).toMatchObject({ status: 'claimed' });
    current = fold(effectsOf(planEventEffects(index, planFor('2024-05-02T07:00:00Z'))), current);
    expect(current).toMatchObject({ status: 'completed', claimedAt: null, completedAt: new Date('2024-05-02T07:00:00Z') });
  });
});
