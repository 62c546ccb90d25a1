import { startDatabase } from '@goals/database';
import { CatalogueIndex, parseCatalogue } from '@goals/domain';
import { createGoalRepository, type ProgressUpsert } from '@goals/prisma-repo';
import { loadavg } from 'node:os';
import pg from 'pg';
import { createRewardClaims, type RewardGranter } from '../src/index.js';

/**
 * claimReward throughput: one goal per player, every claim succeeds, the
 * granter answers at once (so this measures the claim flow and the database,
 * not a reward service), sequentially and with 8 callers, each next to the
 * yardstick: the same four statements on plain pg, interleaved in the same
 * run. Prints one JSON line per case, then a table.
 * DATABASE_URL's server (a scratch database `goals_claims_bench` is dropped
 * and re-created there) or an embedded PostgreSQL.
 */
const CLAIMS_PER_CASE = 3000;
const WARM_UP = 200;
const CONCURRENT_CALLERS = 8;
const DATABASE_NAME = 'goals_claims_bench';

const catalogue = new CatalogueIndex(
  parseCatalogue({
    challenges: [
      {
        id: 'bench',
        name: 'Bench',
        goals: [
          {
            id: 'bench-goal',
            name: 'Bench goal',
            type: 'absolute',
            eventSource: 'statistic',
            requirement: { statCode: 'wins', operator: '>=', targetValue: 1 },
            reward: { type: 'ITEM', rewardId: 'trophy', quantity: 1 },
          },
        ],
      },
    ],
  }),
);
const instantGranter: RewardGranter = { grant: async () => undefined };

interface ClaimsMeasurement {
  operation: string;
  callers: number;
  claims: number;
  medianMs: number;
  p95Ms: number;
  claimsPerSec: number;
  /** process.cpuUsage() (user + system) per claim: this process's CPU, not the server's */
  clientCpuUsPerClaim: number;
  /** claims/s of claimReward ÷ claims/s of the plain-pg yardstick with the same callers */
  ofYardstick?: number;
}

/**
 * The yardstick: the four statements of a claim (BEGIN, the FOR UPDATE read,
 * the claiming UPDATE, COMMIT) written by hand on plain pg, in the same run.
 */
const LOCK_SQL = `SELECT user_id, goal_id, challenge_id, namespace, progress, status, completed_at, claimed_at, created_at, updated_at
                    FROM user_goal_progress WHERE user_id = $1 AND goal_id = $2 FOR UPDATE`;
const CLAIM_SQL = `UPDATE user_goal_progress SET status = 'claimed', claimed_at = now(), completed_at = COALESCE(completed_at, now()), updated_at = now()
                    WHERE user_id = $1 AND goal_id = $2 AND status = 'completed' RETURNING claimed_at`;

async function plainClaim(pool: pg.Pool, userId: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const locked = await client.query({ name: 'yardstick.lock', text: LOCK_SQL, values: [userId, 'bench-goal'] });
    if (locked.rows[0]?.status !== 'completed') throw new Error(`yardstick: ${userId} is not claimable`);
    const claimed = await client.query({ name: 'yardstick.claim', text: CLAIM_SQL, values: [userId, 'bench-goal'] });
    if (claimed.rowCount !== 1) throw new Error(`yardstick: ${userId} was not claimed`);
    const commit = await client.query('COMMIT');
    if (commit.command !== 'COMMIT') throw new Error('yardstick: COMMIT answered ROLLBACK');
    client.release();
  } catch (error) {
    client.release(error instanceof Error ? error : true);
    throw error;
  }
}

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  const repository = createGoalRepository({ connectionString: database.url });
  // the same pool settings as the repository's own (createPool: max 50)
  const plain = new pg.Pool({ connectionString: database.url, max: 50 });
  const claims = createRewardClaims({ repository, catalogue, granter: instantGranter });
  const results: ClaimsMeasurement[] = [];
  try {
    const users = Array.from({ length: 2 * WARM_UP + 4 * CLAIMS_PER_CASE }, (_, i) => `claimer-${i}`);
    await repository.batchUpsertProgress(users.map((userId): ProgressUpsert => completedRecord(userId)));
    let next = 0;
    const nextUser = (): string => {
      const userId = users[next++];
      if (userId === undefined) throw new Error('bench ran out of prepared players');
      return userId;
    };
    const ways: { operation: string; claim: (userId: string) => Promise<unknown> }[] = [
      { operation: 'claimReward', claim: (userId) => claims.claimReward(userId, 'bench-goal') },
      { operation: 'plain pg, same four statements', claim: (userId) => plainClaim(plain, userId) },
    ];
    for (const way of ways) for (let i = 0; i < WARM_UP; i++) await way.claim(nextUser());

    for (const callers of [1, CONCURRENT_CALLERS]) {
      // interleaved halves (mine, yardstick, mine, yardstick): machine load hits both alike
      const runs = ways.map(() => ({ samples: [] as number[], elapsedMs: 0, cpuMicros: 0 }));
      for (let half = 0; half < 2; half++) {
        for (const [w, way] of ways.entries()) {
          const run = runs[w] as (typeof runs)[number];
          let remaining = CLAIMS_PER_CASE / 2;
          const cpu = process.cpuUsage();
          const started = performance.now();
          await Promise.all(
            Array.from({ length: callers }, async () => {
              while (remaining > 0) {
                remaining--;
                const userId = nextUser();
                const claimStarted = performance.now();
                await way.claim(userId);
                run.samples.push(performance.now() - claimStarted);
              }
            }),
          );
          run.elapsedMs += performance.now() - started;
          const used = process.cpuUsage(cpu);
          run.cpuMicros += used.user + used.system;
        }
      }
      const measured = ways.map((way, w) => {
        const run = runs[w] as (typeof runs)[number];
        const label = callers === 1 ? `${way.operation}, sequential` : `${way.operation}, ${callers} concurrent callers`;
        return summarise(label, callers, run.samples, run.elapsedMs, run.cpuMicros);
      });
      const [mine, yardstick] = measured as [ClaimsMeasurement, ClaimsMeasurement];
      mine.ofYardstick = Math.round((mine.claimsPerSec / yardstick.claimsPerSec) * 100) / 100;
      for (const m of measured) {
        results.push(m);
        console.log(JSON.stringify(m));
      }
    }
  } finally {
    await repository.close();
    await plain.end();
    await database.stop();
  }
  console.log('\n| operation | callers | claims | median ms | p95 ms | claims/s | client CPU µs/claim | × plain pg claims/s |\n| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const m of results) {
    console.log(`| ${m.operation} | ${m.callers} | ${m.claims} | ${m.medianMs} | ${m.p95Ms} | ${m.claimsPerSec} | ${m.clientCpuUsPerClaim} | ${m.ofYardstick ?? ''} |`);
  }
  console.log(`\nload average at the end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

function completedRecord(userId: string): ProgressUpsert {
  return { userId, goalId: 'bench-goal', challengeId: 'bench', namespace: 'bench', progress: 1, status: 'completed', completedAt: new Date() };
}

function summarise(operation: string, callers: number, samples: number[], elapsedMs: number, cpuMicros: number): ClaimsMeasurement {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN) * 1000) / 1000;
  return {
    operation,
    callers,
    claims: samples.length,
    medianMs: at(0.5),
    p95Ms: at(0.95),
    claimsPerSec: Math.round((samples.length * 1000) / elapsedMs),
    clientCpuUsPerClaim: Math.round(cpuMicros / samples.length),
  };
}

/** A scratch database, emptied: on DATABASE_URL's server, or on an embedded PostgreSQL of its own. */
async function openBenchDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  const started = await startDatabase({ databaseName: DATABASE_NAME, instanceName: 'claims-bench' });
  const client = new pg.Client({ connectionString: started.url });
  await client.connect();
  await client.query('TRUNCATE user_goal_progress');
  await client.end();
  return { url: started.url, stop: () => started.stop() };
}

await main();
