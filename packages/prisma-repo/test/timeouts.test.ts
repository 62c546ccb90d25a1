import { StallingTcpProxy } from '@goals/database/testing';
import { describe, expect, it } from 'vitest';
import { createGoalRepository, DatabaseTimeoutError } from '../src/index.js';
import { useRepository } from './support/test-repository.js';

/** Issue #8 item 6: every wait on the database is bounded and surfaces as DatabaseTimeoutError (DATABASE_TIMEOUT). */
const f = useRepository();

const upsert = (userId: string) => ({ userId, goalId: 'g', challengeId: 'c', namespace: 'ns', progress: 1, status: 'in_progress' as const, completedAt: null });

describe('database timeouts', () => {
  it('a full pool: the next beginTx and a plain write give up after connectMs instead of waiting forever', async () => {
    const repo = createGoalRepository({ connectionString: f.database.url, poolOptions: { max: 1 }, timeouts: { connectMs: 300 } });
    const holder = await repo.beginTx();
    try {
      const begin = await repo.beginTx().catch((e: unknown) => e);
      expect(begin).toBeInstanceOf(DatabaseTimeoutError);
      expect(begin).toMatchObject({ code: 'DATABASE_TIMEOUT', timeout: 'connect', operation: 'beginTx' });
      // (typed-client reads have the repository's own read pool since #9, bounded by the same connectMs)
      await expect(repo.batchUpsertProgress([upsert('waiting')])).rejects.toMatchObject({ code: 'DATABASE_TIMEOUT', timeout: 'connect' });
      await holder.rollback();
      await repo.batchUpsertProgress([upsert('after-release')]);
      await expect(repo.getProgress('after-release', 'g')).resolves.toMatchObject({ progress: 1 });
    } finally {
      await holder.rollback();
      await repo.close();
    }
  });

  it('a row lock held elsewhere: FOR UPDATE gives up after lockMs', async () => {
    await f.repo.upsertProgress(upsert('locked'));
    const other = await f.admin.connect();
    const repo = createGoalRepository({ connectionString: f.database.url, timeouts: { lockMs: 200 } });
    try {
      await other.query('BEGIN');
      await other.query(`SELECT 1 FROM user_goal_progress WHERE user_id = 'locked' FOR UPDATE`);
      const tx = await repo.beginTx();
      await expect(tx.getProgressForUpdate('locked', 'g')).rejects.toMatchObject({ code: 'DATABASE_TIMEOUT', timeout: 'lock' });
      await tx.rollback();
    } finally {
      await other.query('ROLLBACK');
      other.release();
      await repo.close();
    }
  });

  it('a peer that stops answering: reads and writes give up after noAnswerMs, and work again once it answers', async () => {
    const proxy = await StallingTcpProxy.start(f.database.url);
    const repo = createGoalRepository({ connectionString: proxy.url(f.database.url), timeouts: { noAnswerMs: 500, connectMs: 500 } });
    try {
      await repo.upsertProgress(upsert('before'));
      proxy.stall();
      await expect(repo.getProgress('before', 'g')).rejects.toMatchObject({ code: 'DATABASE_TIMEOUT' });
      await expect(repo.batchUpsertProgress([upsert('during')])).rejects.toBeInstanceOf(DatabaseTimeoutError);
      proxy.resume();
      await repo.upsertProgress(upsert('after'));
      expect((await repo.getProgress('after', 'g'))?.progress).toBe(1);
    } finally {
      await repo.close();
      await proxy.close();
    }
  });
});
