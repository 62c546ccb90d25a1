/**
 * pnpm bench:single — the repository's single-row methods next to plain `pg`
 * running the same statement on the same server in the same run (the
 * yardstick the issue measures against), interleaved: every round runs each
 * case for a slice of calls, so load on the shared machine hits both alike.
 * Then the resident set size of a fresh process after 10,000 getProgress
 * calls, against the same process doing them with plain pg.
 *
 * Prints one JSON line per measurement, then a table. Client CPU per call is
 * process.cpuUsage() (user + system) over the case's calls.
 *
 * Database: DATABASE_URL's server (scratch database `goals_single_bench`) or
 * an embedded PostgreSQL. `--rss-child <url> <repository|pg>` is the child
 * process of the RSS measurement. `--only <name>` runs the cases whose
 * operation starts with <name> (and no RSS children): for `node --cpu-prof`.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openBenchDatabase } from './bench-database.js';
import { createGoalRepository, createPool, type GoalRepository } from '../src/index.js';

const ROUNDS = 12;
const CALLS_PER_ROUND = 400;
const WARM_UP = 500;
const RSS_READS = 10_000;

/** The columns the repository returns, aliased as it maps them: what a hand-written pg read would select. */
const PROGRESS_COLUMNS = `user_id AS "userId", goal_id AS "goalId", challenge_id AS "challengeId", namespace,
  progress, status, completed_at AS "completedAt", claimed_at AS "claimedAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

const PG_UPSERT = `
  INSERT INTO user_goal_progress AS t (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, claimed_at)
  VALUES ($1, $2, $3, $4, $5::int, $6::text,
          CASE WHEN $6::text IN ('completed', 'claimed') THEN COALESCE($7::timestamptz, now()) ELSE $7::timestamptz END,
          CASE WHEN $6::text = 'claimed' THEN COALESCE($8::timestamptz, now()) END)
  ON CONFLICT (user_id, goal_id) DO UPDATE
     SET progress = EXCLUDED.progress, status = EXCLUDED.status,
         completed_at = EXCLUDED.completed_at, claimed_at = EXCLUDED.claimed_at, updated_at = now()
   WHERE t.status <> 'claimed'`;

const PG_INCREMENT = `
  INSERT INTO user_goal_progress AS t (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, created_at, updated_at)
  SELECT $1, $2, $3, $4, $5::int,
         CASE WHEN $5::int >= $6::int THEN 'completed' WHEN $5::int > 0 THEN 'in_progress' ELSE 'not_started' END,
         CASE WHEN $5::int >= $6::int THEN now() END, now(), now()
  ON CONFLICT (user_id, goal_id) DO UPDATE
     SET progress = t.progress + EXCLUDED.progress,
         status = CASE WHEN t.status = 'completed' OR t.progress::bigint + EXCLUDED.progress >= $6::int THEN 'completed'
                       WHEN t.progress::bigint + EXCLUDED.progress > 0 THEN 'in_progress' ELSE 'not_started' END,
         completed_at = CASE WHEN t.status = 'completed' OR t.progress::bigint + EXCLUDED.progress >= $6::int
                             THEN COALESCE(t.completed_at, EXCLUDED.updated_at) END,
         updated_at = EXCLUDED.updated_at
   WHERE t.status <> 'claimed' AND (NOT $7::boolean OR (t.updated_at AT TIME ZONE 'UTC')::date < (EXCLUDED.updated_at AT TIME ZONE 'UTC')::date)`;

interface Case {
  operation: string;
  yardstick: boolean;
  call: (i: number) => Promise<unknown>;
  samples: number[];
  cpuMicros: number;
}

interface SingleRowMeasurement {
  operation: string;
  calls: number;
  medianUs: number;
  p95Us: number;
  meanUs: number;
  cpuUsPerCall: number;
  /** median above the plain-pg case of the same statement */
  aboveYardstickUs?: number;
  ratio?: number;
}

async function main(): Promise<void> {
  if (process.argv[2] === '--rss-child') return rssChild(process.argv[3] ?? '', process.argv[4] === 'pg' ? 'pg' : 'repository');
  const database = await openBenchDatabase('goals_single_bench');
  const pool = createPool(database.url, { max: 4 });
  const repo = createGoalRepository({ pool });
  const plain = new pg.Pool({ connectionString: database.url, max: 4 });
  const results: SingleRowMeasurement[] = [];
  try {
    await repo.batchUpsertProgress(
      Array.from({ length: 50 * 20 }, (_, i) => ({
        userId: `reader-${Math.floor(i / 20)}`,
        goalId: `goal-${String(i % 20).padStart(2, '0')}`,
        challengeId: 'challenge-1',
        namespace: 'bench',
        progress: 5,
        status: 'in_progress' as const,
        completedAt: null,
      })),
    );
    const user = (i: number) => `reader-${i % 50}`;
    const goal = (i: number) => `goal-${String(i % 20).padStart(2, '0')}`;
    const pairs: [Omit<Case, 'samples' | 'cpuMicros' | 'yardstick'>, Omit<Case, 'samples' | 'cpuMicros' | 'yardstick'>][] = [
      [
        { operation: 'getProgress', call: (i) => repo.getProgress(user(i), goal(i)) },
        { operation: 'getProgress (plain pg)', call: (i) => plainRow(plain, 'bench.get', `SELECT ${PROGRESS_COLUMNS} FROM user_goal_progress WHERE user_id = $1 AND goal_id = $2`, [user(i), goal(i)]) },
      ],
      [
        { operation: 'getUserProgress (20 rows)', call: (i) => repo.getUserProgress(user(i)) },
        { operation: 'getUserProgress (plain pg)', call: (i) => plainRows(plain, 'bench.user', `SELECT ${PROGRESS_COLUMNS} FROM user_goal_progress WHERE user_id = $1 ORDER BY created_at, goal_id`, [user(i)]) },
      ],
      [
        { operation: 'upsertProgress (update)', call: (i) => repo.upsertProgress({ userId: 'writer', goalId: goal(i), challengeId: 'c', namespace: 'n', progress: i, status: 'in_progress', completedAt: null }) },
        { operation: 'upsertProgress (plain pg)', call: (i) => plain.query({ name: 'bench.upsert', text: PG_UPSERT, values: ['writer-pg', goal(i), 'c', 'n', i, 'in_progress', null, null] }) },
      ],
      [
        { operation: 'incrementProgress (update)', call: (i) => repo.incrementProgress('incrementer', goal(i), 'c', 'n', 1, 1_000_000_000, false) },
        { operation: 'incrementProgress (plain pg)', call: (i) => plain.query({ name: 'bench.increment', text: PG_INCREMENT, values: ['incrementer-pg', goal(i), 'c', 'n', 1, 1_000_000_000, false] }) },
      ],
    ];
    const only = process.argv.indexOf('--only') >= 0 ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
    const cases: Case[] = pairs.filter(([mine]) => only === undefined || mine.operation.startsWith(only)).flatMap(([mine, yardstick]) => [
      { ...mine, yardstick: false, samples: [], cpuMicros: 0 },
      { ...yardstick, yardstick: true, samples: [], cpuMicros: 0 },
    ]);
    for (const c of cases) for (let i = 0; i < WARM_UP; i++) await c.call(i);
    for (let round = 0; round < ROUNDS; round++) {
      // rotate the order so no case always runs right after another
      for (let k = 0; k < cases.length; k++) {
        const c = cases[(k + round) % cases.length] as Case;
        const cpu = process.cpuUsage();
        for (let i = 0; i < CALLS_PER_ROUND; i++) {
          const started = performance.now();
          await c.call(round * CALLS_PER_ROUND + i);
          c.samples.push(performance.now() - started);
        }
        const used = process.cpuUsage(cpu);
        c.cpuMicros += used.user + used.system;
      }
    }
    for (let k = 0; k < cases.length; k += 2) {
      const mine = summarise(cases[k] as Case);
      const yardstick = summarise(cases[k + 1] as Case);
      mine.aboveYardstickUs = round1(mine.medianUs - yardstick.medianUs);
      mine.ratio = Math.round((mine.medianUs / yardstick.medianUs) * 100) / 100;
      results.push(mine, yardstick);
      console.log(JSON.stringify(mine));
      console.log(JSON.stringify(yardstick));
    }
  } finally {
    await repo.close();
    await pool.end();
    await plain.end();
  }
  const rss = (process.argv.includes('--only') ? [] : ['repository', 'pg']).map((mode) => {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--rss-child', database.url, mode], { encoding: 'utf8' });
    if (child.status !== 0) throw new Error(`RSS child (${mode}) failed: ${child.stderr}`);
    const line = child.stdout.trim().split('\n').pop() ?? '{}';
    console.log(line);
    return JSON.parse(line) as { mode: string; rssMb: number; heapUsedMb: number };
  });
  await database.stop();

  console.log('\n| operation | calls | median µs | p95 µs | mean µs | client CPU µs/call | above plain pg (median) | × plain pg |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const m of results) {
    console.log(`| ${m.operation} | ${m.calls} | ${m.medianUs} | ${m.p95Us} | ${m.meanUs} | ${m.cpuUsPerCall} | ${m.aboveYardstickUs ?? ''} | ${m.ratio ?? ''} |`);
  }
  console.log(`\n| process after ${RSS_READS.toLocaleString('en')} getProgress reads | RSS MB | heap used MB |\n| --- | --- | --- |`);
  for (const r of rss) console.log(`| ${r.mode} | ${r.rssMb} | ${r.heapUsedMb} |`);
  console.log(`\nload average at the end: ${(await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}

async function plainRow(pool: pg.Pool, name: string, text: string, values: unknown[]): Promise<unknown> {
  const { rows } = await pool.query({ name, text, values });
  return rows[0] ?? null;
}

async function plainRows(pool: pg.Pool, name: string, text: string, values: unknown[]): Promise<unknown[]> {
  const { rows } = await pool.query({ name, text, values });
  return rows;
}

/** A fresh process: 10,000 reads through the repository (or plain pg), then its RSS. */
async function rssChild(url: string, mode: 'repository' | 'pg'): Promise<void> {
  const reads = async (read: (i: number) => Promise<unknown>) => {
    for (let i = 0; i < RSS_READS; i++) await read(i);
  };
  if (mode === 'repository') {
    const repo: GoalRepository = createGoalRepository({ connectionString: url, poolOptions: { max: 4 } });
    await reads((i) => repo.getProgress(`reader-${i % 50}`, `goal-${String(i % 20).padStart(2, '0')}`));
    report(mode);
    await repo.close();
  } else {
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    await reads((i) => plainRow(pool, 'bench.get', `SELECT ${PROGRESS_COLUMNS} FROM user_goal_progress WHERE user_id = $1 AND goal_id = $2`, [`reader-${i % 50}`, `goal-${String(i % 20).padStart(2, '0')}`]));
    report(mode);
    await pool.end();
  }
}

function report(mode: string): void {
  const memory = process.memoryUsage();
  console.log(JSON.stringify({ operation: `rss after ${RSS_READS} reads`, mode, rssMb: Math.round(memory.rss / 2 ** 20), heapUsedMb: Math.round(memory.heapUsed / 2 ** 20) }));
}

function summarise(c: Case): SingleRowMeasurement {
  const sorted = [...c.samples].sort((a, b) => a - b);
  const at = (q: number) => round1((sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))] ?? Number.NaN) * 1000);
  const mean = round1((c.samples.reduce((s, x) => s + x, 0) / c.samples.length) * 1000);
  return { operation: c.operation, calls: c.samples.length, medianUs: at(0.5), p95Us: at(0.95), meanUs: mean, cpuUsPerCall: round1(c.cpuMicros / c.samples.length) };
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

await main();
