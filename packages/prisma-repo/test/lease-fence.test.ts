import { LeaseLostError } from '@goals/domain';
import { describe, expect, it } from 'vitest';
import { useRepository } from './support/test-repository.js';

const f = useRepository();

async function lease(partition: string, owner: string | null, epoch: bigint): Promise<void> {
  await f.admin.query(
    `INSERT INTO partition_leases (source, partition, owner, epoch, expires_at) VALUES ('js', $1, $2, $3, now() + interval '10 s')
     ON CONFLICT (source, partition) DO UPDATE SET owner = EXCLUDED.owner, epoch = EXCLUDED.epoch`,
    [partition, owner, epoch.toString()],
  );
}

const row = { userId: 'u1', goalId: 'g1', challengeId: 'c1', namespace: 'ns', value: 3, targetValue: 10, at: new Date('2026-11-01T00:00:00Z'), reachedAt: null };

describe('advanceSourcePosition with a lease fence', () => {
  it('commits the transaction while the lease row names this owner and epoch', async () => {
    await lease('0', 'worker-a', 3n);
    await f.repo.withTransaction(async (tx) => {
      await tx.batchApplyAbsolute([row]);
      await tx.advanceSourcePosition({ source: 'js', partition: '0', from: null, to: 7n, lease: { owner: 'worker-a', epoch: 3n } });
    });
    expect(await f.repo.loadSourcePositions('js')).toEqual([{ source: 'js', partition: '0', position: 7n }]);
    expect((await f.repo.getProgress('u1', 'g1'))?.progress).toBe(3);
  });

  it.each([
    ['another owner', 'worker-b', 3n],
    ['a later epoch (the same worker re-acquired it)', 'worker-a', 4n],
    ['a given-back lease', null, 3n],
  ])('refuses with LeaseLostError and writes nothing when the row names %s', async (_case, owner, epoch) => {
    await lease('0', owner, epoch);
    const error = await f.repo
      .withTransaction(async (tx) => {
        await tx.batchApplyAbsolute([row]);
        await tx.advanceSourcePosition({ source: 'js', partition: '0', from: null, to: 7n, lease: { owner: 'worker-a', epoch: 3n } });
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LeaseLostError);
    expect(error).toMatchObject({ code: 'LEASE_LOST', partition: '0', expected: { owner: 'worker-a', epoch: 3n }, actual: { owner, epoch } });
    expect(await f.repo.loadSourcePositions('js')).toEqual([]);
    expect(await f.repo.getProgress('u1', 'g1')).toBeNull();
  });

  it('refuses when the partition has no lease row at all', async () => {
    await expect(f.repo.advanceSourcePosition({ source: 'js', partition: '9', from: null, to: 1n, lease: { owner: 'w', epoch: 1n } })).rejects.toMatchObject({ code: 'LEASE_LOST', actual: null });
  });

  it('holds the lease row locked until COMMIT, so a takeover cannot slip between the check and the commit', async () => {
    await lease('0', 'worker-a', 3n);
    const tx = await f.repo.beginTx();
    await tx.advanceSourcePosition({ source: 'js', partition: '0', from: null, to: 7n, lease: { owner: 'worker-a', epoch: 3n } });
    let takenOver = false;
    const takeover = f.admin.query(`UPDATE partition_leases SET owner = 'worker-b', epoch = epoch + 1 WHERE source = 'js' AND partition = '0'`).then(() => {
      takenOver = true;
    });
    // the takeover waits on the row lock: it is visible in pg_locks as a waiting backend
    for (let i = 0; i < 100 && !(await f.admin.query(`SELECT 1 FROM pg_locks WHERE NOT granted`)).rowCount; i++) await new Promise((r) => setTimeout(r, 20));
    expect(takenOver).toBe(false);
    await tx.commit();
    await takeover;
    expect(await f.repo.loadSourcePositions('js')).toEqual([{ source: 'js', partition: '0', position: 7n }]);
  });

  it('validates the fence before any SQL', async () => {
    await expect(f.repo.advanceSourcePosition({ source: 'js', partition: '0', from: null, to: 1n, lease: { owner: '', epoch: -1n } })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      issues: [{ path: 'lease.owner' }, { path: 'lease.epoch' }],
    });
  });
});
