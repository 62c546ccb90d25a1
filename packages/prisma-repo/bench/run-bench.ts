/**
 * pnpm bench — measures every repository method against a real PostgreSQL and
 * prints one JSON line per measurement, then a table.
 *
 * Database: DATABASE_URL's server (a scratch database `goals_bench` is dropped,
 * created and migrated there), else an embedded PostgreSQL via @goals/database.
 * Timings are medians of several runs; the Go original's numbers (SPEC §8,
 * same machine, PostgreSQL 15) are printed next to them with the targets.
 */
import pg from 'pg';
import { openBenchDatabase } from './bench-database.js';
import { benchFlushBatches, printFlushTable, type FlushMeasurement } from './flush-batches.js';
import { createGoalRepository, createPool, type PostgresGoalRepository, type ProgressUpsert } from '../src/index.js';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { PrismaPg } from '@prisma/adapter-pg';

interface Measurement {
  operation: string;
  rows: number;
  case: string;
  medianMs: number;
  p95Ms: number;
  opsPerSec: number;
  rowsPerSec: number;
  go?: string;
  target?: string;
}

const results: Measurement[] = [];

function record(operation: string, rows: number, kase: string, samples: number[], extra: Partial<Measurement> = {}): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] ?? NaN;
  const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))] ?? NaN;
  const m: Measurement = {
    operation, rows, case: kase,
    medianMs: round(median), p95Ms: round(p95),
    opsPerSec: Math.round(1000 / median), rowsPerSec: Math.round((rows * 1000) / median),
    ...extra,
  };
  results.push(m);
  console.log(JSON.stringify(m));
}

const round = (x: number) => Math.round(x * 1000) / 1000;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

function keys(n: number, prefix: string): { userId: string; goalId: string }[] {
  const goalsPerUser = 20;
  return Array.from({ length: n }, (_, i) => ({ userId: `${prefix}-user-${Math.floor(i / goalsPerUser)}`, goalId: `goal-${i % goalsPerUser}` }));
}

function upserts(ks: { userId: string; goalId: string }[], progress: number): ProgressUpsert[] {
  return ks.map((k) => ({ ...k, challengeId: 'challenge-1', namespace: 'bench', progress, status: 'in_progress', completedAt: null }));
}

async function main(): Promise<void> {
  const database = await openBenchDatabase('goals_bench');
  const pool = createPool(database.url, { max: 16 });
  const repo = createGoalRepository({ pool });
  const admin = new pg.Pool({ connectionString: database.url, max: 2 });
  let flush: FlushMeasurement[] = [];
  try {
    await singleRow(repo, pool, admin);
    await batches(repo, admin);
    await claims(repo, admin);
    flush = await benchFlushBatches(repo, admin);
  } finally {
    await repo.close();
    await pool.end();
    await admin.end();
    await database.stop();
  }
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(JSON.stringify({ operation: 'peakRss', megabytes: rssMb }));
  printTable(rssMb);
  printFlushTable(flush);
}

async function singleRow(repo: PostgresGoalRepository, pool: pg.Pool, admin: pg.Pool): Promise<void> {
  await admin.query('TRUNCATE user_goal_progress');
  await repo.batchUpsertProgress(upserts(keys(20, 'reader'), 5));
  const n = 2000;
  const warm = 200;
  const measure = async (operation: string, fn: (i: number) => Promise<unknown>, extra: Partial<Measurement> = {}) => {
    for (let i = 0; i < warm; i++) await fn(i);
    const samples: number[] = [];
    for (let i = 0; i < n; i++) samples.push(await time(() => fn(i)));
    record(operation, 1, 'single', samples, extra);
  };
  await measure('getProgress', () => repo.getProgress('reader-user-0', 'goal-3'), { go: '0.285 ms', target: '≤ 0.285 ms' });
  // For comparison: the same read through Prisma's model API (findFirst) on the same pool.
  const modelApi = new PrismaClient({ adapter: new PrismaPg(pool) });
  await measure('getProgress (Prisma model API, for comparison)', () =>
    modelApi.userGoalProgress.findFirst({ where: { userId: 'reader-user-0', goalId: 'goal-3' } }),
  );
  await modelApi.$disconnect();
  await measure('getProgress (plain pg, for comparison)', () =>
    pool.query('SELECT * FROM user_goal_progress WHERE user_id = $1 AND goal_id = $2', ['reader-user-0', 'goal-3']),
  );
  await measure('getUserProgress (20 rows)', () => repo.getUserProgress('reader-user-0'), { go: '0.385 ms', target: '≤ 0.385 ms' });
  await measure('upsertProgress (update)', (i) =>
    repo.upsertProgress({ userId: 'writer', goalId: 'g', challengeId: 'c', namespace: 'n', progress: i, status: 'in_progress', completedAt: null }),
  { go: '0.61 ms', target: '≤ 0.61 ms' });
  await measure('incrementProgress (update)', () => repo.incrementProgress('writer', 'inc', 'c', 'n', 1, 1_000_000_000, false));
}

async function batches(repo: PostgresGoalRepository, admin: pg.Pool): Promise<void> {
  const go: Record<string, Record<number, [string, string]>> = {
    batchUpsertProgressWithCopy: { 1000: ['22.9 / 36.6 ms', 'update ≤ 22.0 ms'], 10000: ['169 / 335 ms', 'update ≤ 167.5 ms'] },
    batchUpsertProgress: { 1000: ['(COPY) 22.9 / 36.6 ms', 'update ≤ 22.0 ms'], 10000: ['(COPY) 169 / 335 ms', 'update ≤ 167.5 ms'] },
    batchIncrementProgress: { 1000: ['20 / 54 ms', ''], 10000: ['177 / 540 ms', 'update ≤ 162 ms'] },
  };
  const methods: [string, (ks: { userId: string; goalId: string }[], iteration: number) => Promise<void>][] = [
    ['batchUpsertProgress', (ks, it) => repo.batchUpsertProgress(upserts(ks, it + 1))],
    ['batchUpsertProgressWithCopy', (ks, it) => repo.batchUpsertProgressWithCopy(upserts(ks, it + 1))],
    [
      'batchIncrementProgress',
      (ks) => repo.batchIncrementProgress(ks.map((k) => ({ ...k, challengeId: 'c', namespace: 'n', delta: 1, targetValue: 1_000_000, isDailyIncrement: false }))),
    ],
    [
      'batchApplyAbsolute',
      (ks, it) => repo.batchApplyAbsolute(ks.map((k) => ({ ...k, challengeId: 'c', namespace: 'n', value: it + 1, targetValue: 1_000_000, at: new Date(), reachedAt: null }))),
    ],
  ];
  for (const size of [100, 1000, 10000]) {
    const runs = size >= 10000 ? 5 : 11;
    for (const [name, run] of methods) {
      const inserts: number[] = [];
      const updates: number[] = [];
      for (let r = 0; r < runs; r++) {
        await admin.query('TRUNCATE user_goal_progress');
        const ks = keys(size, `b${r}`);
        inserts.push(await time(() => run(ks, 0)));
        updates.push(await time(() => run(ks, 1)));
      }
      const [goNumbers, target] = go[name]?.[size] ?? [undefined, undefined];
      record(name, size, 'insert', inserts, goNumbers ? { go: goNumbers } : {});
      record(name, size, 'update', updates, { ...(goNumbers ? { go: goNumbers } : {}), ...(target ? { target } : {}) });
    }
  }
}

async function claims(repo: PostgresGoalRepository, admin: pg.Pool): Promise<void> {
  const total = 4000;
  await admin.query('TRUNCATE user_goal_progress');
  await admin.query(
    `INSERT INTO user_goal_progress (user_id, goal_id, challenge_id, namespace, progress, status, completed_at)
     SELECT 'claimer-' || i, 'goal', 'c', 'n', 1, 'completed', now() FROM generate_series(0, $1 - 1) i`,
    [total * 2],
  );
  const claim = async (i: number) => {
    const tx = await repo.beginTx();
    try {
      await tx.getProgressForUpdate(`claimer-${i}`, 'goal');
      await tx.markAsClaimed(`claimer-${i}`, 'goal');
      await tx.commit();
    } finally {
      await tx.rollback();
    }
  };
  const sequential: number[] = [];
  for (let i = 0; i < total; i++) sequential.push(await time(() => claim(i)));
  record('claim (beginTx → getProgressForUpdate → markAsClaimed → commit), sequential', 1, 'claims', sequential, { go: '823 /s' });
  let next = total;
  const samples: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < total * 2) {
        const i = next++;
        samples.push(await time(() => claim(i)));
      }
    }),
  );
  const elapsed = performance.now() - started;
  const sorted = [...samples].sort((a, b) => a - b);
  const m: Measurement = {
    operation: 'claim, 8 concurrent callers', rows: 1, case: 'claims',
    medianMs: round(sorted[Math.floor(sorted.length / 2)] ?? NaN), p95Ms: round(sorted[Math.floor(sorted.length * 0.95)] ?? NaN),
    opsPerSec: Math.round((total * 1000) / elapsed), rowsPerSec: Math.round((total * 1000) / elapsed),
    go: '1,814 /s', target: '≥ 3,628 /s',
  };
  results.push(m);
  console.log(JSON.stringify(m));
}

function printTable(rssMb: number): void {
  const header = ['operation', 'rows', 'case', 'median ms', 'p95 ms', 'ops/s', 'rows/s', 'Go original', 'target'];
  const lines = results.map((m) => [m.operation, String(m.rows), m.case, m.medianMs.toFixed(3), m.p95Ms.toFixed(3), String(m.opsPerSec), String(m.rowsPerSec), m.go ?? '', m.target ?? '']);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  console.log('');
  console.log(row(header));
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const l of lines) console.log(row(l));
  console.log(`\npeak RSS: ${rssMb} MB`);
}

await main();
