/**
 * The worker's flush, in isolation: 50,000-row batchApplyAbsolute and
 * batchIncrementProgress (plus batchCompleteDaily) inside one transaction, as
 * apps/worker writes them — 500 users × 100 goals, the users in arrival order
 * (not sorted), one Date object shared by a user's rows (one event), extra
 * buffer fields on every row. Reports wall time and the Node process's CPU time
 * (process.cpuUsage(): user + system, all threads, GC included) per row.
 *
 * Standalone: `pnpm bench:flush` (DATABASE_URL's server, scratch database
 * `goals_flush_bench`; else embedded). `pnpm bench` runs it too.
 */
import type pg from 'pg';
import type { AbsoluteProgressUpdate, DailyCompletion, PostgresGoalRepository, ProgressIncrement } from '../src/index.js';

export interface FlushMeasurement {
  operation: string;
  rows: number;
  case: 'insert' | 'update';
  medianMs: number;
  clientCpuUsPerRow: number;
}

const USERS = 500;
const GOALS = 100;

function goalIds(): string[] {
  return Array.from({ length: GOALS }, (_, g) => `ch-${Math.floor(g / 50)}-goal-${g % 50}`);
}

/** Deterministic shuffle, so the users arrive unsorted like the worker's buffer. */
function userOrder(prefix: string): string[] {
  const users = Array.from({ length: USERS }, (_, u) => `${prefix}-player-${u}`);
  let seed = 12345;
  for (let i = users.length - 1; i > 0; i--) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    const j = seed % (i + 1);
    [users[i], users[j]] = [users[j] as string, users[i] as string];
  }
  return users;
}

function absoluteRows(prefix: string, iteration: number): AbsoluteProgressUpdate[] {
  const goals = goalIds();
  const rows: AbsoluteProgressUpdate[] = [];
  const base = Date.UTC(2024, 5, 1) + iteration * 60_000;
  userOrder(prefix).forEach((userId, u) => {
    const at = new Date(base + u);
    for (let g = 0; g < GOALS; g++) {
      const value = (u * 7 + g * 13 + iteration * 101) % 1000;
      const targetValue = 1 + ((g * 37) % 1000);
      // the worker's entries carry buffer fields too
      rows.push({ kind: 'set', userId, goalId: goals[g] as string, challengeId: `ch-${Math.floor(g / 50)}`, namespace: 'bench', targetValue, at, partition: 'p0', position: 1n, value, reachedAt: value >= targetValue ? at : null } as AbsoluteProgressUpdate);
    }
  });
  return rows;
}

function incrementRows(prefix: string, iteration: number): ProgressIncrement[] {
  const goals = goalIds();
  const rows: ProgressIncrement[] = [];
  const base = Date.UTC(2024, 5, 1) + iteration * 86_400_000;
  userOrder(prefix).forEach((userId, u) => {
    const at = new Date(base + u);
    for (let g = 0; g < GOALS; g++) {
      rows.push({ kind: 'increment', userId, goalId: goals[g] as string, challengeId: `ch-${Math.floor(g / 50)}`, namespace: 'bench', targetValue: 1 + ((g * 37) % 1000), at, partition: 'p0', position: 1n, delta: 1 + ((u + g) % 5), isDailyIncrement: g % 4 === 0, day: '', laterDays: null } as ProgressIncrement);
    }
  });
  return rows;
}

function dailyRows(prefix: string, iteration: number): DailyCompletion[] {
  const goals = goalIds();
  const rows: DailyCompletion[] = [];
  const base = Date.UTC(2024, 5, 1) + iteration * 86_400_000;
  userOrder(prefix).forEach((userId, u) => {
    const at = new Date(base + u);
    for (let g = 0; g < GOALS; g++) rows.push({ userId, goalId: goals[g] as string, challengeId: `ch-${Math.floor(g / 50)}`, namespace: 'bench', targetValue: 1, at });
  });
  return rows;
}

export async function benchFlushBatches(repo: PostgresGoalRepository, admin: pg.Pool, runs = 5): Promise<FlushMeasurement[]> {
  // rows are built before the clock starts: only the repository's work is measured
  const cases: [string, (prefix: string, iteration: number) => () => Promise<void>][] = [
    ['batchApplyAbsolute', (p, it) => { const rows = absoluteRows(p, it); return () => repo.withTransaction((tx) => tx.batchApplyAbsolute(rows)); }],
    ['batchIncrementProgress', (p, it) => { const rows = incrementRows(p, it); return () => repo.withTransaction((tx) => tx.batchIncrementProgress(rows)); }],
    ['batchCompleteDaily', (p, it) => { const rows = dailyRows(p, it); return () => repo.withTransaction((tx) => tx.batchCompleteDaily(rows)); }],
  ];
  const results: FlushMeasurement[] = [];
  for (const [operation, prepare] of cases) {
    const samples: Record<'insert' | 'update', { ms: number; cpuUs: number }[]> = { insert: [], update: [] };
    // one warm-up round (JIT, prepared statements, temp tables)
    for (let r = -1; r < runs; r++) {
      await admin.query('TRUNCATE user_goal_progress');
      await admin.query('CHECKPOINT');
      for (const kase of ['insert', 'update'] as const) {
        const write = prepare(`r${r}`, kase === 'insert' ? 0 : 1);
        // the bench's own garbage (building the rows) is collected outside the measurement when --expose-gc is on
        (globalThis as { gc?: () => void }).gc?.();
        const cpu = process.cpuUsage();
        const start = performance.now();
        await write();
        const ms = performance.now() - start;
        const used = process.cpuUsage(cpu);
        if (r >= 0) samples[kase].push({ ms, cpuUs: used.user + used.system });
      }
    }
    for (const kase of ['insert', 'update'] as const) {
      const rows = USERS * GOALS;
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
      const m: FlushMeasurement = {
        operation,
        rows,
        case: kase,
        medianMs: Math.round(median(samples[kase].map((s) => s.ms)) * 10) / 10,
        clientCpuUsPerRow: Math.round((median(samples[kase].map((s) => s.cpuUs)) / rows) * 100) / 100,
      };
      results.push(m);
      console.log(JSON.stringify(m));
    }
  }
  return results;
}

export function printFlushTable(results: readonly FlushMeasurement[]): void {
  console.log('\n| flush batch (one transaction) | rows | case | median ms | client CPU µs/row |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const m of results) console.log(`| ${m.operation} | ${m.rows} | ${m.case} | ${m.medianMs.toFixed(1)} | ${m.clientCpuUsPerRow.toFixed(2)} |`);
}
