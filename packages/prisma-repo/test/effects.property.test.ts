import { applyGoalEffect, type GoalEffect, type UserGoalProgress } from '@goals/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readTable, useRepository, type RepositoryFixture } from './support/test-repository.js';


const BASE = Date.parse('2024-06-01T00:00:00Z');
const key = fc.record({ userId: fc.constantFrom('u1', 'u2'), goalId: fc.constantFrom('g1', 'g2') });
const at = fc.integer({ min: 0, max: 4 * 24 * 60 }).map((minutes) => new Date(BASE + minutes * 60_000));
const target = fc.integer({ min: 1, max: 12 });

const effect: fc.Arbitrary<GoalEffect> = fc.oneof(
  fc.record({ key, kind: fc.constant('set' as const), value: fc.integer({ min: 0, max: 15 }), targetValue: target, at }),
  fc.record({ key, kind: fc.constant('increment' as const), delta: fc.integer({ min: 0, max: 5 }), daily: fc.boolean(), targetValue: target, at }),
  fc.record({ key, kind: fc.constant('complete_daily' as const), targetValue: target, at }),
).map(({ key: k, ...rest }) => ({ ...k, challengeId: 'c', namespace: 'n', ...rest }) as GoalEffect);

type Step = { kind: 'effects'; effects: GoalEffect[]; single: boolean } | { kind: 'claim'; userId: string; goalId: string };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('effects' as const), effects: fc.array(effect, { minLength: 1, maxLength: 4 }), single: fc.boolean() }) },
  { weight: 1, arbitrary: key.map((k) => ({ kind: 'claim' as const, ...k })) },
);

/** Applies one group of effects through the repository, one batch per run of same-kind effects (duplicates included). */
async function applyThroughRepository(f: RepositoryFixture, effects: GoalEffect[], single: boolean): Promise<void> {
  let i = 0;
  while (i < effects.length) {
    const kind = effects[i]?.kind;
    const run: GoalEffect[] = [];
    while (i < effects.length && effects[i]?.kind === kind) run.push(effects[i++] as GoalEffect);
    if (kind === 'set') {
      await f.repo.batchApplyAbsolute(run.map((e) => e.kind === 'set' ? { ...e, reachedAt: null } : never()));
    } else if (kind === 'complete_daily') {
      await f.repo.batchCompleteDaily(run.map((e) => (e.kind === 'complete_daily' ? e : never())));
    } else if (single) {
      for (const e of run) {
        if (e.kind !== 'increment') never();
        await f.repo.incrementProgress(e.userId, e.goalId, e.challengeId, e.namespace, e.delta, e.targetValue, e.daily, e.at);
      }
    } else {
      await f.repo.batchIncrementProgress(run.map((e) => (e.kind === 'increment' ? { ...e, isDailyIncrement: e.daily } : never())));
    }
  }
}

function never(): never {
  throw new Error('unreachable');
}

const comparable = (p: UserGoalProgress) => ({
  userId: p.userId, goalId: p.goalId, progress: p.progress, status: p.status,
  completedAt: p.completedAt, claimedAt: p.claimedAt, updatedAt: p.updatedAt, createdAt: p.createdAt,
});

// Worker batches below the COPY threshold run as one UNNEST statement, above it through COPY + merge: both are checked.
describe.each([
  ['UNNEST batches', undefined],
  ['COPY batches', 1],
])('the repository equals the domain (%s)', (_name, batchCopyThreshold) => {
  const f = useRepository({ truncateBeforeEach: false, batchCopyThreshold });
  it('random sequences of set / increment / daily effects and claims end as the fold of applyGoalEffect', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
        await f.admin.query('TRUNCATE user_goal_progress');
        const model = new Map<string, UserGoalProgress>();
        for (const s of steps) {
          if (s.kind === 'claim') {
            const current = model.get(`${s.userId}/${s.goalId}`);
            const claimed = await f.repo.markAsClaimed(s.userId, s.goalId).then(() => true, () => false);
            expect(claimed).toBe(current?.status === 'completed');
            if (claimed && current) {
              // markAsClaimed stamps the database clock; take its timestamps into the model.
              const row = (await readTable(f.admin)).find((r) => r.userId === s.userId && r.goalId === s.goalId);
              model.set(`${s.userId}/${s.goalId}`, { ...current, status: 'claimed', claimedAt: row?.claimedAt ?? null, updatedAt: row?.updatedAt ?? null });
            }
            continue;
          }
          await applyThroughRepository(f, s.effects, s.single);
          for (const e of s.effects) {
            const k = `${e.userId}/${e.goalId}`;
            model.set(k, applyGoalEffect(model.get(k) ?? null, e));
          }
        }
        const expected = [...model.values()].sort((a, b) => (a.userId + a.goalId < b.userId + b.goalId ? -1 : 1)).map(comparable);
        expect((await readTable(f.admin)).map(comparable)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });
});
