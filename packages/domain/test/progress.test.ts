import { describe, expect, it } from 'vitest';
import {
  GOAL_STATUSES,
  MAX_PROGRESS,
  canClaim,
  isClaimed,
  isCompleted,
  isGoalStatus,
  meetsRequirement,
  statusForProgress,
  utcDay,
  type GoalStatus,
} from '../src/index.js';
import { inTimeZone } from './builders.js';

describe('status helpers', () => {
  const table: Array<{ status: GoalStatus; completed: boolean; claimed: boolean; claimable: boolean }> = [
    { status: 'not_started', completed: false, claimed: false, claimable: false },
    { status: 'in_progress', completed: false, claimed: false, claimable: false },
    { status: 'completed', completed: true, claimed: false, claimable: true },
    { status: 'claimed', completed: true, claimed: true, claimable: false },
  ];

  it('covers every status', () => {
    expect(table.map((row) => row.status)).toEqual([...GOAL_STATUSES]);
  });

  it.each(table)('$status: isCompleted=$completed isClaimed=$claimed canClaim=$claimable', ({ status, completed, claimed, claimable }) => {
    expect(isCompleted({ status })).toBe(completed);
    expect(isClaimed({ status })).toBe(claimed);
    expect(canClaim({ status })).toBe(claimable);
  });

  it('isGoalStatus accepts exactly the four statuses', () => {
    for (const status of GOAL_STATUSES) expect(isGoalStatus(status)).toBe(true);
    for (const other of ['', 'CLAIMED', 'done', null, undefined, 3, {}]) expect(isGoalStatus(other)).toBe(false);
  });
});

describe('meetsRequirement (operator >=)', () => {
  it('is met at and above the target, not below', () => {
    expect(meetsRequirement(9, 10)).toBe(false);
    expect(meetsRequirement(10, 10)).toBe(true);
    expect(meetsRequirement(11, 10)).toBe(true);
    expect(meetsRequirement(MAX_PROGRESS, MAX_PROGRESS)).toBe(true);
    expect(meetsRequirement(MAX_PROGRESS - 1, MAX_PROGRESS)).toBe(false);
  });
});

describe('statusForProgress', () => {
  it('maps 0 to not_started, below target to in_progress, at or above to completed', () => {
    expect(statusForProgress(0, 10)).toBe('not_started');
    expect(statusForProgress(1, 10)).toBe('in_progress');
    expect(statusForProgress(9, 10)).toBe('in_progress');
    expect(statusForProgress(10, 10)).toBe('completed');
    expect(statusForProgress(500, 10)).toBe('completed');
  });

  it('completes a target of 1 on the first point', () => {
    expect(statusForProgress(1, 1)).toBe('completed');
  });
});

describe('utcDay', () => {
  const lateEvening = new Date('2024-03-10T23:30:00Z');
  const earlyMorning = new Date('2024-03-11T00:30:00Z');

  it('formats the UTC calendar day', () => {
    expect(utcDay(lateEvening)).toBe('2024-03-10');
    expect(utcDay(earlyMorning)).toBe('2024-03-11');
    expect(utcDay(new Date('2024-12-31T23:59:59.999Z'))).toBe('2024-12-31');
    expect(utcDay(new Date('2025-01-01T00:00:00.000Z'))).toBe('2025-01-01');
  });

  it.each(['Pacific/Kiritimati', 'Pacific/Pago_Pago', 'Asia/Kolkata', 'America/New_York', 'UTC'])('does not depend on the process time zone (%s)', (tz) => {
    inTimeZone(tz, () => {
      expect(utcDay(lateEvening)).toBe('2024-03-10');
      expect(utcDay(earlyMorning)).toBe('2024-03-11');
    });
  });

  it('the time-zone switch used above really changes local days (so the test can fail)', () => {
    const kiritimati = inTimeZone('Pacific/Kiritimati', () => lateEvening.getDate());
    const pagoPago = inTimeZone('Pacific/Pago_Pago', () => lateEvening.getDate());
    expect(kiritimati).toBe(11);
    expect(pagoPago).toBe(10);
  });
});
