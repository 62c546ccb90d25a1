import { describe, expect, it } from 'vitest';
import { claimIdempotencyKey, decideClaim, type UserGoalProgress } from '../src/index.js';
import { catalogueGoal, inTimeZone, indexOf, record } from './builders.js';

const completedAt = new Date('2024-05-01T10:00:00Z');
const goal = catalogueGoal({ id: 'g1' });
const withPrerequisites = indexOf({ c1: [{ id: 'p1' }, { id: 'p2' }, { id: 'g1', prerequisites: ['p1', 'p2'] }] }).goal('g1');
const none = new Map<string, UserGoalProgress | null>();

describe('decideClaim', () => {
  it('GOAL_NOT_FOUND when the goal is not in the catalogue', () => {
    expect(decideClaim({ goal: undefined, record: record({ status: 'completed', completedAt }), prerequisites: none })).toEqual({ ok: false, code: 'GOAL_NOT_FOUND' });
  });

  it('GOAL_NOT_FOUND when the player has no record', () => {
    expect(decideClaim({ goal, record: null, prerequisites: none })).toEqual({ ok: false, code: 'GOAL_NOT_FOUND' });
  });

  it.each(['not_started', 'in_progress'] as const)('GOAL_NOT_COMPLETED for a %s record, with its status', (status) => {
    expect(decideClaim({ goal, record: record({ status, progress: status === 'in_progress' ? 3 : 0 }), prerequisites: none })).toEqual({
      ok: false,
      code: 'GOAL_NOT_COMPLETED',
      status,
    });
  });

  it('GOAL_ALREADY_CLAIMED for a claimed record', () => {
    expect(decideClaim({ goal, record: record({ status: 'claimed', completedAt, claimedAt: completedAt }), prerequisites: none })).toEqual({
      ok: false,
      code: 'GOAL_ALREADY_CLAIMED',
    });
  });

  it('ok with the idempotency key for a completed record', () => {
    expect(decideClaim({ goal, record: record({ status: 'completed', progress: 10, completedAt }), prerequisites: none })).toEqual({
      ok: true,
      idempotencyKey: '["u1","g1"]',
    });
  });

  it('ok for a completed record that lacks completedAt', () => {
    expect(decideClaim({ goal, record: record({ status: 'completed', progress: 10, completedAt: null }), prerequisites: none })).toMatchObject({ ok: true });
  });

  describe('prerequisites', () => {
    const completed = record({ status: 'completed', completedAt });

    it('lists each prerequisite that is missing or not completed, in catalogue order', () => {
      const prerequisites = new Map<string, UserGoalProgress | null>([['p2', record({ goalId: 'p2', status: 'in_progress', progress: 1 })]]);
      expect(decideClaim({ goal: withPrerequisites, record: completed, prerequisites })).toEqual({ ok: false, code: 'PREREQUISITES_NOT_MET', missing: ['p1', 'p2'] });
    });

    it('treats a null record as missing', () => {
      const prerequisites = new Map<string, UserGoalProgress | null>([
        ['p1', null],
        ['p2', record({ goalId: 'p2', status: 'completed', completedAt })],
      ]);
      expect(decideClaim({ goal: withPrerequisites, record: completed, prerequisites })).toEqual({ ok: false, code: 'PREREQUISITES_NOT_MET', missing: ['p1'] });
    });

    it('accepts completed and claimed prerequisites', () => {
      const prerequisites = new Map<string, UserGoalProgress | null>([
        ['p1', record({ goalId: 'p1', status: 'claimed', completedAt, claimedAt: completedAt })],
        ['p2', record({ goalId: 'p2', status: 'completed', completedAt })],
      ]);
      expect(decideClaim({ goal: withPrerequisites, record: completed, prerequisites })).toEqual({ ok: true, idempotencyKey: '["u1","g1"]' });
    });

    it('checks the record itself before its prerequisites', () => {
      expect(decideClaim({ goal: withPrerequisites, record: record({ status: 'in_progress', progress: 1 }), prerequisites: none })).toMatchObject({ code: 'GOAL_NOT_COMPLETED' });
      expect(decideClaim({ goal: withPrerequisites, record: record({ status: 'claimed', completedAt, claimedAt: completedAt }), prerequisites: none })).toMatchObject({
        code: 'GOAL_ALREADY_CLAIMED',
      });
    });
  });
});

describe('claimIdempotencyKey', () => {
  const daily = { id: 'daily', type: 'daily' as const };
  const plain = { id: 'g1', type: 'absolute' as const };
  const at = (iso: string) => ({ userId: 'u1', completedAt: new Date(iso), updatedAt: new Date(iso) });

  it('is (userId, goalId) for non-daily goals, whatever the completion time', () => {
    expect(claimIdempotencyKey(plain, at('2024-05-01T10:00:00Z'))).toBe('["u1","g1"]');
    expect(claimIdempotencyKey(plain, at('2024-07-09T10:00:00Z'))).toBe('["u1","g1"]');
    expect(claimIdempotencyKey({ id: 'g1', type: 'increment' }, at('2024-07-09T10:00:00Z'))).toBe('["u1","g1"]');
  });

  it('includes the UTC day of completion for daily goals', () => {
    expect(claimIdempotencyKey(daily, at('2024-05-01T10:00:00Z'))).toBe('["u1","daily","2024-05-01"]');
    expect(claimIdempotencyKey(daily, at('2024-05-01T23:59:59.999Z'))).toBe(claimIdempotencyKey(daily, at('2024-05-01T00:00:00Z')));
    expect(claimIdempotencyKey(daily, at('2024-05-02T00:00:00Z'))).not.toBe(claimIdempotencyKey(daily, at('2024-05-01T23:59:59.999Z')));
  });

  it('falls back to updatedAt, then null, when a daily record lacks completedAt', () => {
    expect(claimIdempotencyKey(daily, { userId: 'u1', completedAt: null, updatedAt: new Date('2024-05-03T01:00:00Z') })).toBe('["u1","daily","2024-05-03"]');
    expect(claimIdempotencyKey(daily, { userId: 'u1', completedAt: null, updatedAt: null })).toBe('["u1","daily",null]');
  });

  it('is unambiguous for ids containing quotes, commas, brackets and backslashes', () => {
    const pairs: Array<[string, string]> = [
      ['a', 'b,c'],
      ['a,b', 'c'],
      ['a"', 'b'],
      ['a', '"b'],
      ['a\\', '"b'],
      ['a', '\\"b'],
      ['a","b', 'c'],
      ['a', 'b","c'],
      ['[a', 'b]'],
      ['a', ''],
    ];
    const keys = pairs.map(([userId, goalId]) => claimIdempotencyKey({ id: goalId, type: 'absolute' }, { userId, completedAt, updatedAt: completedAt }));
    expect(new Set(keys).size).toBe(pairs.length);
    for (const [i, key] of keys.entries()) expect(JSON.parse(key)).toEqual(pairs[i]);
  });

  it('a daily goal id cannot collide with a non-daily (user, goal) pair', () => {
    const dailyKey = claimIdempotencyKey({ id: 'g', type: 'daily' }, { userId: 'u', completedAt, updatedAt: completedAt });
    const tricky = claimIdempotencyKey({ id: 'g","2024-05-01', type: 'absolute' }, { userId: 'u', completedAt, updatedAt: completedAt });
    expect(dailyKey).not.toBe(tricky);
  });

  it('does not depend on the process time zone', () => {
    const east = inTimeZone('Pacific/Kiritimati', () => claimIdempotencyKey(daily, at('2024-05-01T20:00:00Z')));
    const west = inTimeZone('Pacific/Pago_Pago', () => claimIdempotencyKey(daily, at('2024-05-01T20:00:00Z')));
    expect(east).toBe('["u1","daily","2024-05-01"]');
    expect(west).toBe(east);
  });
});
