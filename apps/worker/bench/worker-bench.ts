/**
 * `pnpm bench` (apps/worker): replays the S2 and INC workloads through the real
 * worker process against PostgreSQL and reports sustained events/s, goal-row
 * writes/s, flush p50/p99, worker CPU per event and peak RSS, as JSON lines
 * and a table. DATABASE_URL selects the server (a `goals_bench` database is
 * created on it and reset per workload); otherwise an embedded PostgreSQL.
 *
 *   GOALS_BENCH_EVENTS   events per workload (default 200000; 1000000 for the RSS target)
 *   GOALS_BENCH_USERS    players (default 10000, as SPEC §8)
 *   GOALS_BENCH_WORKLOADS  comma-separated subset of S2,INC (default both)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDatabase } from '@goals/database';
import { workloadCatalogue, writeEventLog, type WorkloadName } from '@goals/fixtures';
import pg from 'pg';

const EVENTS = Number(process.env.GOALS_BENCH_EVENTS ?? 200_000);
const USERS = Number(process.env.GOALS_BENCH_USERS ?? 10_000);
const WORKLOADS = (process.env.GOALS_BENCH_WORKLOADS ?? 'S2,INC').split(',') as WorkloadName[];
const WORKER = fileURLToPath(new URL('../dist/main.js', import.meta.url));

interface WorkerSummary {
  events: { applied: number; ignored: number; dead_lettered: number };
  flushes: number;
  rowsWritten: number;
  durationMs: number;
  eventsPerSecond: number;
  flushMs: { p50: number; p99: number; max: number };
  cpuSeconds: number;
  peakRssMb: number;
}

/** `goals_bench`, on DATABASE_URL's server or an embedded PostgreSQL; each workload truncates it. */
function openBenchDatabase() {
  return startDatabase({ instanceName: 'bench', databaseName: 'goals_bench' });
}

function runWorker(args: string[]): Promise<WorkerSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=192', WORKER, ...args, '--summary', '--log-level', 'warn', '--metrics-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker exited with ${code}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as WorkerSummary);
    });
  });
}

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  const dir = mkdtempSync(join(tmpdir(), 'goals-worker-bench-'));
  const results = [];
  try {
    for (const workload of WORKLOADS) {
      const cataloguePath = join(dir, `${workload}.json`);
      writeFileSync(cataloguePath, JSON.stringify(workloadCatalogue(workload)));
      const logPath = join(dir, `${workload}.ndjson`);
      process.stderr.write(`[bench] generating ${EVENTS} ${workload} events for ${USERS} users\n`);
      await writeEventLog(logPath, { workload, seed: 1, events: EVENTS, users: USERS, start: new Date('2026-11-01T00:00:00Z'), durationMs: 3 * 86_400_000 });
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query('TRUNCATE user_goal_progress, source_positions, dead_letters');
      await client.end();
      process.stderr.write(`[bench] replaying ${workload} through the worker\n`);
      const summary = await runWorker(['--input', logPath, '--catalogue', cataloguePath, '--database-url', database.url, '--source-name', `bench-${workload}`]);
      const events = summary.events.applied + summary.events.ignored + summary.events.dead_lettered;
      const result = {
        benchmark: 'worker-replay',
        workload,
        events,
        users: USERS,
        durationMs: summary.durationMs,
        eventsPerSecond: summary.eventsPerSecond,
        rowWritesPerSecond: Math.round((summary.rowsWritten / summary.durationMs) * 1000),
        flushes: summary.flushes,
        flushP50Ms: summary.flushMs.p50,
        flushP99Ms: summary.flushMs.p99,
        workerCpuSeconds: Number(summary.cpuSeconds.toFixed(2)),
        eventsPerCpuSecond: Math.round(events / summary.cpuSeconds),
        peakRssMb: summary.peakRssMb,
      };
      results.push(result);
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
  } finally {
    await database.stop();
  }
  const header = ['workload', 'events', 'events/s', 'row writes/s', 'flush p50 ms', 'flush p99 ms', 'events/CPU-s', 'peak RSS MB'];
  const rows = results.map((r) => [r.workload, r.events, r.eventsPerSecond, r.rowWritesPerSecond, r.flushP50Ms, r.flushP99Ms, r.eventsPerCpuSecond, r.peakRssMb].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
