import { ValidationError } from '@goals/domain';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GoalRepository, LedgeredGoalRepository, ProgressIncrement, ProgressUpsert } from '../src/index.js';
import { countRows, upsert, useRepository } from './support/test-repository.js';

const f = useRepository();

// Counts every round trip the repository's pool is asked for.
let roundTrips = 0;
let restore: () => void = () => {};
beforeEach(() => {
  roundTrips = 0;
  const query = f.pool.query.bind(f.pool);
  const connect = f.pool.connect.bind(f.pool);
  f.pool.query = ((...args: Parameters<typeof query>) => { roundTrips++; return query(...args); }) as typeof f.pool.query;
  f.pool.connect = ((...args: Parameters<typeof connect>) => { roundTrips++; return connect(...args); }) as typeof f.pool.connect;
  restore = () => { f.pool.query = query; f.pool.connect = connect; };
});
afterEach(() => restore());

const good = upsert({ userId: 'u1', goalId: 'g1' });
const goodInc: ProgressIncrement = { userId: 'u1', goalId: 'g1', challengeId: 'c', namespace: 'n', delta: 1, targetValue: 5, isDailyIncrement: false };

/** [description, field, bad value, expected path suffix] — each must be refused on every write path. */
const badValues: [string, string, unknown][] = [
  ['an empty id', 'userId', ''],
  ['an id of 101 characters', 'goalId', 'x'.repeat(101)],
  ['an id of 101 emoji (202 UTF-16 units)', 'challengeId', '🎮'.repeat(101)],
  ['an id that is not a string', 'namespace', 42],
  ['an id with U+0000', 'userId', 'a\u0000b'],
  ['an id with a lone surrogate', 'goalId', 'a\uD800b'],
];

const upsertBad: [string, Partial<Record<keyof ProgressUpsert, unknown>>, string][] = [
  ...badValues.map(([d, field, value]): [string, Partial<Record<keyof ProgressUpsert, unknown>>, string] => [d, { [field]: value }, field]),
  ['a negative progress', { progress: -1 }, 'progress'],
  ['a fractional progress', { progress: 1.5 }, 'progress'],
  ['NaN progress', { progress: Number.NaN }, 'progress'],
  ['infinite progress', { progress: Number.POSITIVE_INFINITY }, 'progress'],
  ['progress beyond INT', { progress: 2_147_483_648 }, 'progress'],
  ['an unknown status', { status: 'done' }, 'status'],
  ['an invalid completedAt', { completedAt: new Date('nope') }, 'completedAt'],
  ['a completedAt that is not a Date', { completedAt: '2024-01-01' }, 'completedAt'],
  ['claimedAt with a status other than claimed', { claimedAt: new Date(), status: 'completed' }, 'claimedAt'],
];

const incrementBad: [string, Partial<Record<keyof ProgressIncrement, unknown>>, string][] = [
  ...badValues.map(([d, field, value]): [string, Partial<Record<keyof ProgressIncrement, unknown>>, string] => [d, { [field]: value }, field]),
  ['a negative delta', { delta: -1 }, 'delta'],
  ['a fractional delta', { delta: 0.5 }, 'delta'],
  ['NaN delta', { delta: Number.NaN }, 'delta'],
  ['a delta beyond INT', { delta: 2 ** 31 }, 'delta'],
  ['a zero target', { targetValue: 0 }, 'targetValue'],
  ['an infinite target', { targetValue: Number.NEGATIVE_INFINITY }, 'targetValue'],
  ['a daily flag that is not a boolean', { isDailyIncrement: 'yes' }, 'isDailyIncrement'],
  ['an invalid event time', { at: new Date(Number.NaN) }, 'at'],
];

const upsertPaths: [string, (repo: GoalRepository, p: ProgressUpsert[]) => Promise<void>][] = [
  ['upsertProgress', (repo, ps) => repo.upsertProgress(ps[ps.length - 1] as ProgressUpsert)],
  ['batchUpsertProgress', (repo, ps) => repo.batchUpsertProgress(ps)],
  ['batchUpsertProgressWithCopy', (repo, ps) => repo.batchUpsertProgressWithCopy(ps)],
];
const incrementPaths: [string, (repo: GoalRepository, p: ProgressIncrement[]) => Promise<void>][] = [
  [
    'incrementProgress',
    (repo, ps) => {
      const i = ps[ps.length - 1] as ProgressIncrement;
      return repo.incrementProgress(i.userId, i.goalId, i.challengeId, i.namespace, i.delta, i.targetValue, i.isDailyIncrement, i.at);
    },
  ],
  ['batchIncrementProgress', (repo, ps) => repo.batchIncrementProgress(ps)],
];

async function expectRefused(attempt: Promise<unknown>, path: string): Promise<void> {
  const error = await attempt.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
  expect((error as ValidationError).issues.map((i) => i.path)).toContain(path);
  expect(roundTrips).toBe(0);
}

describe.each(upsertPaths)('%s refuses bad input before any SQL', (name, write) => {
  it.each(upsertBad)('%s', async (_d, bad, field) => {
    const batch = [good, { ...good, goalId: 'g2', ...bad } as ProgressUpsert];
    await expectRefused(write(f.repo, batch), name === 'upsertProgress' ? field : `[1].${field}`);
    restore();
    expect(await countRows(f.admin)).toBe(0);
  });
});

describe.each(incrementPaths)('%s refuses bad input before any SQL', (name, apply) => {
  it.each(incrementBad)('%s', async (_d, bad, field) => {
    const batch = [goodInc, { ...goodInc, goalId: 'g2', ...bad } as ProgressIncrement];
    await expectRefused(apply(f.repo, batch), name === 'incrementProgress' ? field : `[1].${field}`);
    restore();
    expect(await countRows(f.admin)).toBe(0);
  });
});

describe('batches', () => {
  const batchMethods: [string, (repo: LedgeredGoalRepository, items: unknown[]) => Promise<void>][] = [
    ['batchUpsertProgress', (r, i) => r.batchUpsertProgress(i as ProgressUpsert[])],
    ['batchUpsertProgressWithCopy', (r, i) => r.batchUpsertProgressWithCopy(i as ProgressUpsert[])],
    ['batchIncrementProgress', (r, i) => r.batchIncrementProgress(i as ProgressIncrement[])],
    ['batchApplyAbsolute', (r, i) => r.batchApplyAbsolute(i as never)],
    ['batchCompleteDaily', (r, i) => r.batchCompleteDaily(i as never)],
    ['storeSourcePositions', (r, i) => r.storeSourcePositions(i as never)],
    ['recordDeadLetters', (r, i) => r.recordDeadLetters(i as never)],
  ];
  it.each(batchMethods)('%s rejects the whole batch for one null element', async (_name, call) => {
    await expectRefused(call(f.repo, [null]), '[0]');
  });

  it('batchApplyAbsolute checks value, target, at and reachedAt', async () => {
    const base = { userId: 'u', goalId: 'g', challengeId: 'c', namespace: 'n', value: 1, targetValue: 1, at: new Date(), reachedAt: null };
    await expectRefused(f.repo.batchApplyAbsolute([{ ...base, value: -1 }]), '[0].value');
    await expectRefused(f.repo.batchApplyAbsolute([{ ...base, targetValue: 0.5 }]), '[0].targetValue');
    await expectRefused(f.repo.batchApplyAbsolute([{ ...base, at: new Date('x') }]), '[0].at');
    await expectRefused(f.repo.batchApplyAbsolute([{ ...base, reachedAt: new Date('-300000-01-01') }]), '[0].reachedAt');
  });

  it('batchCompleteDaily checks ids and at', async () => {
    const base = { userId: 'u', goalId: 'g', challengeId: 'c', namespace: 'n', targetValue: 1, at: new Date() };
    await expectRefused(f.repo.batchCompleteDaily([{ ...base, userId: '' }]), '[0].userId');
    await expectRefused(f.repo.batchCompleteDaily([{ ...base, at: null as unknown as Date }]), '[0].at');
  });

  it('storeSourcePositions and recordDeadLetters check their fields', async () => {
    await expectRefused(f.repo.storeSourcePositions([{ source: 's', partition: 'p', position: -1n }]), '[0].position');
    await expectRefused(f.repo.storeSourcePositions([{ source: 's', partition: 'p', position: 1 as unknown as bigint }]), '[0].position');
    await expectRefused(
      f.repo.recordDeadLetters([{ source: 's', partition: 'p', position: 1n, goalId: '', eventId: null, payload: '', reason: '', errorCode: 'x'.repeat(51) }]),
      '[0].errorCode',
    );
  });

  it('reads and markAsClaimed check their ids', async () => {
    await expectRefused(f.repo.getProgress('', 'g'), 'userId');
    await expectRefused(f.repo.getUserProgress('x'.repeat(101)), 'userId');
    await expectRefused(f.repo.getChallengeProgress('u', ''), 'challengeId');
    await expectRefused(f.repo.markAsClaimed('u', ''), 'goalId');
    await expectRefused(f.repo.loadSourcePositions(''), 'source');
  });

  it('a non-array batch is refused', async () => {
    await expectRefused(f.repo.batchUpsertProgress(null as unknown as ProgressUpsert[]), '');
  });

  it('lists every problem of every element', async () => {
    const error = await f.repo
      .batchUpsertProgress([upsert({ userId: '', goalId: 'g' }), upsert({ userId: 'u', goalId: 'g', progress: -1, status: 'x' as never })])
      .catch((e: unknown) => e);
    expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['[0].userId', '[1].progress', '[1].status']);
  });
});

describe('inside a transaction', () => {
  it('bad input is refused before any SQL and leaves the transaction usable', async () => {
    const tx = await f.repo.beginTx();
    await expect(tx.batchUpsertProgressWithCopy([upsert({ userId: 'u', goalId: '' })])).rejects.toBeInstanceOf(ValidationError);
    await tx.upsertProgress(good);
    await tx.commit();
    restore();
    expect(await countRows(f.admin)).toBe(1);
  });
});
