import { describe, expect, it } from 'vitest';
import type { ProgressUpsert, GoalRepository } from '../src/index.js';
import { countRows, insertRow, NASTY_IDS, readRow, readTable, upsert, useRepository } from './support/test-repository.js';

const f = useRepository();

/** The three upsert paths; the single one applies the elements one call at a time. */
const paths: [string, (repo: GoalRepository, ps: ProgressUpsert[]) => Promise<void>][] = [
  ['upsertProgress', async (repo, ps) => { for (const p of ps) await repo.upsertProgress(p); }],
  ['batchUpsertProgress', (repo, ps) => repo.batchUpsertProgress(ps)],
  ['batchUpsertProgressWithCopy', (repo, ps) => repo.batchUpsertProgressWithCopy(ps)],
];

describe.each(paths)('%s', (_name, write) => {
  it('inserts new records with every field given', async () => {
    const completedAt = new Date('2024-05-05T05:05:05.555Z');
    await write(f.repo, [
      upsert({ userId: 'u1', goalId: 'g1', challengeId: 'ch1', namespace: 'ns1', progress: 3, status: 'in_progress' }),
      upsert({ userId: 'u1', goalId: 'g2', progress: 10, status: 'completed', completedAt }),
    ]);
    const [g1, g2] = await readTable(f.admin);
    expect(g1).toMatchObject({ userId: 'u1', goalId: 'g1', challengeId: 'ch1', namespace: 'ns1', progress: 3, status: 'in_progress', completedAt: null, claimedAt: null });
    expect(g2).toMatchObject({ progress: 10, status: 'completed', completedAt, claimedAt: null });
    expect(g1?.createdAt).toBeInstanceOf(Date);
  });

  it('overwrites progress, status and completedAt of an existing record and stamps updatedAt', async () => {
    const old = new Date('2020-01-01T00:00:00Z');
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 9, status: 'completed', completedAt: old, createdAt: old, updatedAt: old });
    await write(f.repo, [upsert({ userId: 'u1', goalId: 'g1', progress: 2, status: 'in_progress', completedAt: null })]);
    const row = await readRow(f.admin, 'u1', 'g1');
    expect(row).toMatchObject({ progress: 2, status: 'in_progress', completedAt: null, createdAt: old });
    expect(row?.updatedAt?.getTime()).toBeGreaterThan(old.getTime());
  });

  it('leaves a claimed record untouched', async () => {
    const t = new Date('2021-01-01T00:00:00Z');
    await insertRow(f.admin, { userId: 'u1', goalId: 'g1', progress: 5, status: 'claimed', completedAt: t, claimedAt: t, updatedAt: t, createdAt: t });
    const before = await readRow(f.admin, 'u1', 'g1');
    await write(f.repo, [upsert({ userId: 'u1', goalId: 'g1', progress: 0, status: 'not_started' })]);
    expect(await readRow(f.admin, 'u1', 'g1')).toEqual(before);
  });

  it('gives a completed status without completedAt the write time', async () => {
    const before = (await f.admin.query<{ now: Date }>('SELECT now()')).rows[0]?.now ?? new Date(0);
    await write(f.repo, [upsert({ userId: 'u1', goalId: 'g1', progress: 5, status: 'completed', completedAt: null })]);
    const row = await readRow(f.admin, 'u1', 'g1');
    expect(row?.completedAt?.getTime()).toBeGreaterThanOrEqual(before.getTime());
  });

  it('writes a claimed status with claimedAt (default now) and completedAt filled', async () => {
    const completedAt = new Date('2024-01-01T00:00:00Z');
    await write(f.repo, [
      upsert({ userId: 'u1', goalId: 'g1', progress: 5, status: 'claimed', completedAt, claimedAt: new Date('2024-01-02T00:00:00Z') }),
      upsert({ userId: 'u1', goalId: 'g2', progress: 5, status: 'claimed', completedAt: null }),
    ]);
    const [g1, g2] = await readTable(f.admin);
    expect(g1).toMatchObject({ status: 'claimed', completedAt, claimedAt: new Date('2024-01-02T00:00:00Z') });
    expect(g2?.status).toBe('claimed');
    expect(g2?.completedAt).toBeInstanceOf(Date);
    expect(g2?.claimedAt).toBeInstanceOf(Date);
  });

  it('with duplicate keys, ends as one call per element in order would (last wins)', async () => {
    await write(f.repo, [
      upsert({ userId: 'u1', goalId: 'g1', progress: 1 }),
      upsert({ userId: 'u2', goalId: 'g1', progress: 5 }),
      upsert({ userId: 'u1', goalId: 'g1', progress: 2 }),
      upsert({ userId: 'u1', goalId: 'g1', progress: 3, status: 'completed', completedAt: new Date('2024-01-01T00:00:00Z') }),
    ]);
    const rows = await readTable(f.admin);
    expect(rows.map((r) => [r.userId, r.progress, r.status])).toEqual([['u1', 3, 'completed'], ['u2', 5, 'in_progress']]);
  });

  it('with duplicate keys, an element that claims the record freezes it for the later ones', async () => {
    await write(f.repo, [
      upsert({ userId: 'u1', goalId: 'g1', progress: 4, status: 'claimed', completedAt: new Date('2024-01-01T00:00:00Z') }),
      upsert({ userId: 'u1', goalId: 'g1', progress: 0, status: 'not_started' }),
    ]);
    expect(await readRow(f.admin, 'u1', 'g1')).toMatchObject({ progress: 4, status: 'claimed' });
  });

  it('round-trips ids with quotes, tabs, newlines, backslashes and emoji', async () => {
    await write(f.repo, NASTY_IDS.map((id, i) => upsert({ userId: id, goalId: id, challengeId: id, namespace: id, progress: i })));
    for (const [i, id] of NASTY_IDS.entries()) {
      const p = await f.repo.getProgress(id, id);
      expect(p).toMatchObject({ userId: id, goalId: id, challengeId: id, namespace: id, progress: i });
    }
    expect(await countRows(f.admin)).toBe(NASTY_IDS.length);
  });
});

describe('batch upserts', () => {
  it.each([['batchUpsertProgress'], ['batchUpsertProgressWithCopy']] as const)('%s: an empty batch makes no round trip', async (method) => {
    let calls = 0;
    const countQuery = f.pool.query.bind(f.pool);
    const countConnect = f.pool.connect.bind(f.pool);
    f.pool.query = ((...args: Parameters<typeof countQuery>) => { calls++; return countQuery(...args); }) as typeof f.pool.query;
    f.pool.connect = ((...args: Parameters<typeof countConnect>) => { calls++; return countConnect(...args); }) as typeof f.pool.connect;
    try {
      await f.repo[method]([]);
    } finally {
      f.pool.query = countQuery;
      f.pool.connect = countConnect;
    }
    expect(calls).toBe(0);
  });

  it('the COPY path leaves no rows behind in the session for the next call', async () => {
    await f.repo.batchUpsertProgressWithCopy([upsert({ userId: 'u1', goalId: 'g1', progress: 1 })]);
    await f.repo.batchUpsertProgressWithCopy([upsert({ userId: 'u2', goalId: 'g1', progress: 2 })]);
    await f.admin.query('UPDATE user_goal_progress SET progress = 100');
    await f.repo.batchUpsertProgressWithCopy([upsert({ userId: 'u3', goalId: 'g1', progress: 3 })]);
    expect((await readTable(f.admin)).map((r) => [r.userId, r.progress])).toEqual([['u1', 100], ['u2', 100], ['u3', 3]]);
  });
});
