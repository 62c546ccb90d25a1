import { startDatabase } from '@goals/database';
import { CatalogueIndex, parseCatalogue } from '@goals/domain';
import { createGoalRepository, type ProgressUpsert } from '@goals/prisma-repo';
import pg from 'pg';
import { createRewardClaims, type RewardGranter } from '../src/index.js';

/**
 * claimReward throughput: one goal per player, every claim succeeds, the
 * granter answers at once (so this measures the claim flow and the database,
 * not a reward service). Prints one JSON line per case, then a table.
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
}

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  const repository = createGoalRepository({ connectionString: database.url });
  const claims = createRewardClaims({ repository, catalogue, granter: instantGranter });
  const results: ClaimsMeasurement[] = [];
  try {
    const users = Array.from({ length: WARM_UP + 2 * CLAIMS_PER_CASE }, (_, i) => `claimer-${i}`);
    await repository.batchUpsertProgress(users.map((userId): ProgressUpsert => completedRecord(userId)));
    let next = 0;
    const claimNext = async (): Promise<number> => {
      const userId = users[next++];
      if (userId === undefined) throw new Error('bench ran out of prepared players');
      const started = performance.now();
      await claims.claimReward(userId, 'bench-goal');
      return performance.now() - started;
    };
    for (let i = 0; i < WARM_UP; i++) await claimNext();

    for (const callers of [1, CONCURRENT_CALLERS]) {
      const samples: number[] = [];
      let remaining = CLAIMS_PER_CASE;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: callers }, async () => {
          while (remaining > 0) {
            remaining--;
            samples.push(await claimNext());
          }
        }),
      );
      const elapsedMs = performance.now() - started;
      const measurement = summarise(callers === 1 ? 'claimReward, sequential' : `claimReward, ${callers} concurrent callers`, callers, samples, elapsedMs);
      results.push(measurement);
      console.log(JSON.stringify(measurement));
    }
  } finally {
    await repository.close();
    await database.stop();
  }
  console.log('\n| operation | callers | claims | median ms | p95 ms | claims/s |\n| --- | --- | --- | --- | --- | --- |');
  for (const m of results) console.log(`| ${m.operation} | ${m.callers} | ${m.claims} | ${m.medianMs} | ${m.p95Ms} | ${m.claimsPerSec} |`);
}

function completedRecord(userId: string): ProgressUpsert {
  return { userId, goalId: 'bench-goal', challengeId: 'bench', namespace: 'bench', progress: 1, status: 'completed', completedAt: new Date() };
}

function summarise(operation: string, callers: number, samples: number[], elapsedMs: number): ClaimsMeasurement {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Math.round((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN) * 1000) / 1000;
  return { operation, callers, claims: samples.length, medianMs: at(0.5), p95Ms: at(0.95), claimsPerSec: Math.round((samples.length * 1000) / elapsedMs) };
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
