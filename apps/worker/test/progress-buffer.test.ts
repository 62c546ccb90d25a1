import { applyGoalEffect, type GoalEffect, type UserGoalProgress } from '@goals/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProgressBuffer, type FlushBatch } from '../src/buffer/progress-buffer.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1);
const origin = { partition: '0', position: 1n };

const goals = [
  { goalId: 'abs', kind: 'set' as const, targetValue: 50 },
  { goalId: 'inc', kind: 'increment' as const, daily: false, targetValue: 20 },
  { goalId: 'inc-daily', kind: 'increment' as const, daily: true, targetValue: 3 },
  { goalId: 'daily', kind: 'complete_daily' as const, targetValue: 1 },
];

const effectArbitrary: fc.Arbitrary<GoalEffect> = fc
  .record({
    goal: fc.constantFrom(...goals),
    user: fc.constantFrom('u1', 'u2'),
    minute: fc.integer({ min: 0, max: 5 * 24 * 60 }),
    amount: fc.integer({ min: 0, max: 100 }),
  })
  .map(({ goal, user, minute, amount }) => {
    const base = { userId: user, goalId: goal.goalId, challengeId: 'c', namespace: 'ns', targetValue: goal.targetValue, at: new Date(START + minute * 60_000) };
    if (goal.kind === 'set') return { ...base, kind: 'set', value: amount };
    if (goal.kind === 'increment') return { ...base, kind: 'increment', delta: amount % 7, daily: goal.daily };
    return { ...base, kind: 'complete_daily' };
  });

/** What the repository does with a flush batch, expressed with the domain's reference semantics. */
function batchAsEffects(batch: FlushBatch): GoalEffect[] {
  const effects: GoalEffect[] = [];
  for (const item of batch.absolute) {
    const target = { userId: item.userId, goalId: item.goalId, challengeId: item.challengeId, namespace: item.namespace, targetValue: item.targetValue };
    if (item.reachedAt !== null) effects.push({ ...target, kind: 'set', value: Math.max(item.targetValue, item.value), at: item.reachedAt });
    effects.push({ ...target, kind: 'set', value: item.value, at: item.at });
  }
  for (const item of batch.increments) {
    effects.push({ userId: item.userId, goalId: item.goalId, challengeId: item.challengeId, namespace: item.namespace, targetValue: item.targetValue, kind: 'increment', delta: item.delta, daily: item.isDailyIncrement, at: item.at ?? new Date(0) });
  }
  for (const item of batch.dailyCompletions) effects.push({ ...item, kind: 'complete_daily' });
  return effects;
}

function fold(state: Map<string, UserGoalProgress>, effects: readonly GoalEffect[]): Map<string, UserGoalProgress> {
  const next = new Map(state);
  for (const effect of effects) {
    const key = `${effect.userId}/${effect.goalId}`;
    next.set(key, applyGoalEffect(next.get(key) ?? null, effect));
  }
  return next;
}

function comparable(state: Map<string, UserGoalProgress>) {
  return Object.fromEntries([...state].sort(([a], [b]) => a.localeCompare(b)).map(([key, p]) => [key, { progress: p.progress, status: p.status, completed: p.completedAt !== null, claimed: p.claimedAt !== null }]));
}

describe('ProgressBuffer aggregation', () => {
  it('one flush of the aggregate equals applying every effect in order, from any starting table', () => {
    fc.assert(
      fc.property(fc.array(effectArbitrary, { maxLength: 20 }), fc.array(effectArbitrary, { maxLength: 60 }), fc.boolean(), (history, buffered, claimCompleted) => {
        const before = fold(new Map(), [...history].sort((a, b) => a.at.getTime() - b.at.getTime()));
        if (claimCompleted) {
          for (const [key, p] of before) if (p.status === 'completed') before.set(key, { ...p, status: 'claimed', claimedAt: p.completedAt });
        }
        const buffer = new ProgressBuffer();
        for (const effect of buffered) buffer.add(effect, origin);
        const expected = fold(before, buffered);
        const actual = fold(before, batchAsEffects(ProgressBuffer.toBatch(buffer.entries())));
        expect(comparable(actual)).toEqual(comparable(expected));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the first time an absolute target was met, even after the value drops', () => {
    const buffer = new ProgressBuffer();
    const base = { userId: 'u', goalId: 'g', challengeId: 'c', namespace: 'n', targetValue: 10 };
    buffer.add({ ...base, kind: 'set', value: 12, at: new Date(START) }, origin);
    buffer.add({ ...base, kind: 'set', value: 3, at: new Date(START + 1000) }, origin);
    const batch = ProgressBuffer.toBatch(buffer.entries());
    expect(batch.absolute).toEqual([{ ...base, value: 3, at: new Date(START + 1000), reachedAt: new Date(START) }]);
  });

  it('sums regular increments into one write and keeps one daily increment per later UTC day', () => {
    const buffer = new ProgressBuffer();
    const base = { userId: 'u', challengeId: 'c', namespace: 'n', targetValue: 10 };
    for (const minute of [0, 5, 10]) buffer.add({ ...base, goalId: 'r', kind: 'increment', delta: 2, daily: false, at: new Date(START + minute * 60_000) }, origin);
    for (const at of [START, START + 60_000, START + DAY, START + 10, START + 2 * DAY]) buffer.add({ ...base, goalId: 'd', kind: 'increment', delta: 1, daily: true, at: new Date(at) }, origin);
    const batch = ProgressBuffer.toBatch(buffer.entries());
    expect(batch.increments.filter((i) => i.goalId === 'r').map((i) => i.delta)).toEqual([6]);
    expect(batch.increments.filter((i) => i.goalId === 'd').map((i) => i.at?.getTime())).toEqual([START, START + DAY, START + 2 * DAY]);
  });

  it('holds the latest position per partition and counts rows and dead letters toward its size', () => {
    const buffer = new ProgressBuffer();
    buffer.advance('0', 10n);
    buffer.advance('0', 25n);
    buffer.addDeadLetter({ source: 's', partition: '0', position: 25n, goalId: '', eventId: null, payload: 'x', reason: 'bad', errorCode: 'MALFORMED_EVENT' });
    expect(buffer.positions.get('0')).toBe(25n);
    expect(buffer.recordCount).toBe(2);
    expect(buffer.size).toBe(1);
  });
});
