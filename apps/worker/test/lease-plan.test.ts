import { describe, expect, it } from 'vitest';
import { leasesLost, planLeases, type HeldLease } from '../src/leases/lease-plan.js';

const held = (...partitions: number[]): HeldLease[] => partitions.map((p) => ({ partition: String(p), epoch: 1n }));

describe('planLeases (no database, no broker)', () => {
  it('a lone worker takes every partition', () => {
    expect(planLeases({ partitions: 8, liveWorkers: 1, held: [], windingDown: [] })).toEqual({ fairShare: 8, release: [], acquire: 8, exclude: [] });
  });

  it('counts itself when no heartbeat is visible yet', () => {
    expect(planLeases({ partitions: 8, liveWorkers: 0, held: [], windingDown: [] }).fairShare).toBe(8);
  });

  it('a worker joins: the holder gives back its highest partitions above the new share', () => {
    const plan = planLeases({ partitions: 8, liveWorkers: 3, held: held(0, 1, 2, 3, 4, 5, 6, 7), windingDown: [] });
    expect(plan).toEqual({ fairShare: 3, release: ['7', '6', '5', '4', '3'], acquire: 0, exclude: [] });
  });

  it('sorts partitions as numbers, not as text', () => {
    expect(planLeases({ partitions: 12, liveWorkers: 2, held: held(2, 10, 9, 0, 1, 11, 3), windingDown: [] }).release).toEqual(['11']);
  });

  it('below the share it asks for the difference, excluding what it is still winding down', () => {
    expect(planLeases({ partitions: 8, liveWorkers: 2, held: held(0, 1), windingDown: ['5'] })).toEqual({ fairShare: 4, release: [], acquire: 2, exclude: ['5'] });
  });

  it('at the share it changes nothing', () => {
    expect(planLeases({ partitions: 8, liveWorkers: 3, held: held(0, 1, 2), windingDown: ['4'] })).toEqual({ fairShare: 3, release: [], acquire: 0, exclude: [] });
  });

  it('every partition has a taker whatever the number of workers: the shares add up to at least P', () => {
    for (let partitions = 1; partitions <= 64; partitions++) {
      for (let workers = 1; workers <= partitions + 2; workers++) {
        const { fairShare } = planLeases({ partitions, liveWorkers: workers, held: [], windingDown: [] });
        expect(fairShare * workers).toBeGreaterThanOrEqual(partitions);
        // and no worker is asked to hold a whole partition more than needed
        expect((fairShare - 1) * workers).toBeLessThan(partitions);
      }
    }
  });

  it('refuses a partition count that is not a positive integer', () => {
    expect(() => planLeases({ partitions: 0, liveWorkers: 1, held: [], windingDown: [] })).toThrow(RangeError);
  });
});

describe('leasesLost', () => {
  it('is every held lease the renewal did not extend', () => {
    expect(leasesLost(held(0, 3, 5), new Set(['3']))).toEqual(held(0, 5));
  });
});
