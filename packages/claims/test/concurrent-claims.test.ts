import { GoalAlreadyClaimedError } from '@goals/domain';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRewardClaims, type GrantRequest, type RewardGranter } from '../src/index.js';
import { arrangeRecord, catalogue, useClaimsDatabase } from './support/claims-fixture.js';

const f = useClaimsDatabase();
let admin: pg.Pool;
beforeAll(() => {
  admin = new pg.Pool({ connectionString: f.database.url, max: 1 });
  // pool.end() resolves before its connections have closed; the database's drop() then terminates them
  admin.on('error', () => {});
});
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- beforeAll may have failed before assigning it
  await admin?.end();
});

/**
 * Holds the first grant open until released, so the other claims pile up
 * behind the row lock while it is held. A second call before the release can
 * only mean the lock did not keep them out: it opens the gate at once so the
 * test fails on the count instead of hanging.
 */
class GatedGranter implements RewardGranter {
  readonly calls: GrantRequest[] = [];
  readonly release: () => void;
  readonly #opened: Promise<void>;
  constructor() {
    let open = (): void => undefined;
    this.#opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.release = open;
  }
  async grant(request: GrantRequest): Promise<void> {
    this.calls.push(request);
    if (this.calls.length > 1) this.release();
    await this.#opened;
  }
}

/** Sessions of this test's database waiting for a lock (a row lock shows as transactionid/tuple). */
async function lockWaiters(): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return rows[0]?.n ?? 0;
}

/** Polls a condition (not a fixed sleep): resolves as soon as it holds, fails after `timeoutMs`. */
async function until(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Counts every call and does not deduplicate: only the row lock stands between concurrent claims and a double grant. */
class CountingGranter implements RewardGranter {
  readonly calls: GrantRequest[] = [];
  async grant(request: GrantRequest): Promise<void> {
    this.calls.push(request);
  }
}

describe('concurrent claims of one goal', () => {
  it('10 at once: exactly one grant, the other nine GOAL_ALREADY_CLAIMED', async () => {
    const granter = new GatedGranter();
    const claims = createRewardClaims({ repository: f.repository, catalogue, granter });
    await arrangeRecord(f.repository, 'racer', 'kills-10', 'completed');

    const settled = Promise.allSettled(Array.from({ length: 10 }, () => claims.claimReward('racer', 'kills-10')));
    // the race is real only once all nine others wait on the lock the granting claim holds
    await until(async () => granter.calls.length > 1 || (granter.calls.length === 1 && (await lockWaiters()) >= 9));
    granter.release();
    const results = await settled;

    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejections = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(rejections).toHaveLength(9);
    for (const reason of rejections) expect(reason).toBeInstanceOf(GoalAlreadyClaimedError);
    expect(granter.calls).toHaveLength(1);
    expect((await f.repository.getProgress('racer', 'kills-10'))?.status).toBe('claimed');
  });

  it('claims of different players run side by side, one grant each', async () => {
    const granter = new CountingGranter();
    const claims = createRewardClaims({ repository: f.repository, catalogue, granter });
    const users = Array.from({ length: 10 }, (_, i) => `parallel-${i}`);
    for (const userId of users) await arrangeRecord(f.repository, userId, 'kills-10', 'completed');

    const receipts = await Promise.all(users.map((userId) => claims.claimReward(userId, 'kills-10')));

    expect(receipts.map((r) => r.userId)).toEqual(users);
    expect(granter.calls).toHaveLength(10);
  });
});
