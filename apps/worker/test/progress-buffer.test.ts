import { applyGoalEffect, CatalogueIndex, eventImpact, parseCatalogue, planEventEffects, type GameEvent, type GoalEffect, type UserGoalProgress } from '@goals/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProgressBuffer, type FlushBatch } from '../src/buffer/progress-buffer.js';

const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 1);
const reward = { type: 'ITEM' as const, rewardId: 'r', quantity: 1 };
const catalogue = new CatalogueIndex(
  parseCatalogue({
    challenges: [
      {
        id: 'c',
        name: 'C',
        goals: [
          { id: 'abs', name: 'abs', type: 'absolute', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 50 }, reward },
          { id: 'inc', name: 'inc', type: 'increment', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 20 }, reward },
          { id: 'inc-daily', name: 'inc-daily', type: 'increment', daily: true, eventSource: 'statistic', requirement: { statCode: 'games', operator: '>=', targetValue: 3 }, reward },
          { id: 'login-abs', name: 'login-abs', type: 'absolute', eventSource: 'login', requirement: { statCode: 'x', operator: '>=', targetValue: 1 }, reward },
          { id: 'login-daily', name: 'login-daily', type: 'daily', eventSource: 'login', requirement: { statCode: 'x', operator: '>=', targetValue: 1 }, reward },
          { id: 'login-days', name: 'login-days', type: 'increment', daily: true, eventSource: 'login', requirement: { statCode: 'x', operator: '>=', targetValue: 2 }, reward },
        ],
      },
    ],
  }),
);

const eventArbitrary: fc.Arbitrary<GameEvent> = fc
  .record({
    user: fc.constantFrom('u1', 'u2'),
    kind: fc.constantFrom('login', 'kills', 'games'),
    minute: fc.integer({ min: 0, max: 5 * 24 * 60 }),
    value: fc.integer({ min: 0, max: 100 }),
    inc: fc.option(fc.integer({ min: 0, max: 6 }), { nil: undefined }),
  })
  .map(({ user, kind, minute, value, inc }): GameEvent => {
    const base = { id: `e${minute}`, userId: user, namespace: 'ns', occurredAt: new Date(START + minute * 60_000) };
    if (kind === 'login') return { ...base, type: 'login' };
    return { ...base, type: 'statistic', statCode: kind, value, ...(inc === undefined ? {} : { inc }) };
  });

/** What the repository does with a flush batch, in the domain's reference semantics. */
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
  for (const item of batch.dailyCompletions) effects.push({ userId: item.userId, goalId: item.goalId, challengeId: item.challengeId, namespace: item.namespace, targetValue: item.targetValue, kind: 'complete_daily', at: item.at });
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

function effectsOf(events: readonly GameEvent[]): GoalEffect[] {
  return events.flatMap((event) => {
    const plan = planEventEffects(catalogue, event);
    return plan.outcome === 'applied' ? plan.effects : [];
  });
}

function bufferOf(events: readonly GameEvent[]): ProgressBuffer {
  const buffer = new ProgressBuffer();
  events.forEach((event, i) => {
    const result = eventImpact(catalogue, event);
    if (result.outcome === 'applied') buffer.addImpact(result.impact, '0', BigInt(i + 1));
  });
  return buffer;
}

function comparable(state: Map<string, UserGoalProgress>) {
  return Object.fromEntries(
    [...state].sort(([a], [b]) => a.localeCompare(b)).map(([key, p]) => [key, { progress: p.progress, status: p.status, completedAt: p.completedAt?.getTime() ?? null, claimed: p.claimedAt !== null }]),
  );
}

describe('ProgressBuffer aggregation', () => {
  it('one flush of the aggregate equals applying every event in order, from any starting table', () => {
    fc.assert(
      fc.property(fc.array(eventArbitrary, { maxLength: 20 }), fc.array(eventArbitrary, { maxLength: 60 }), fc.boolean(), (history, buffered, claimCompleted) => {
        const before = fold(new Map(), effectsOf([...history].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime())));
        if (claimCompleted) {
          for (const [key, p] of before) if (p.status === 'completed') before.set(key, { ...p, status: 'claimed', claimedAt: p.completedAt });
        }
        const expected = fold(before, effectsOf(buffered));
        const actual = fold(before, batchAsEffects(ProgressBuffer.toBatch(bufferOf(buffered).entries())));
        expect(comparable(actual)).toEqual(comparable(expected));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps the first time an absolute target was met, even after the value drops', () => {
    const stat = (value: number, at: number): GameEvent => ({ id: 'e', type: 'statistic', userId: 'u', namespace: 'n', occurredAt: new Date(at), statCode: 'kills', value });
    const batch = ProgressBuffer.toBatch(bufferOf([stat(60, START), stat(3, START + 1000)]).entries());
    expect(batch.absolute.map((a) => ({ value: a.value, at: a.at, reachedAt: a.reachedAt }))).toEqual([{ value: 3, at: new Date(START + 1000), reachedAt: new Date(START) }]);
  });

  it('keeps regular increments apart until the buffer alone reaches the target, then sums the rest; one daily increment per later UTC day', () => {
    const kills = (at: number, inc: number): GameEvent => ({ id: 'k', type: 'statistic', userId: 'u', namespace: 'n', occurredAt: new Date(at), statCode: 'kills', value: 0, inc });
    const games = (at: number): GameEvent => ({ id: 'g', type: 'statistic', userId: 'u', namespace: 'n', occurredAt: new Date(at), statCode: 'games', value: 0 });
    // target 20: 6 + 6 + 6 = 18, + 5 = 23 reaches it; 1 and 2 afterwards go into one tail write
    const events = [kills(START, 6), kills(START + 1, 6), kills(START + 2, 6), kills(START + 3, 5), kills(START + 4, 1), kills(START + 5, 2)];
    events.push(games(START), games(START + 60_000), games(START + DAY), games(START + 10), games(START + 2 * DAY));
    const batch = ProgressBuffer.toBatch(bufferOf(events).entries());
    const regular = batch.increments.filter((i) => i.goalId === 'inc');
    expect(regular.map((i) => [i.delta, i.at?.getTime()])).toEqual([
      [6, START],
      [6, START + 1],
      [6, START + 2],
      [5, START + 3],
      [3, START + 5],
    ]);
    expect(batch.increments.filter((i) => i.goalId === 'inc-daily').map((i) => i.at?.getTime())).toEqual([START, START + DAY, START + 2 * DAY]);
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
