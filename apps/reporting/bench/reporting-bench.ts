/**
 * `pnpm bench` (apps/reporting): the reporting endpoints on the full
 * population — 10,000 players × the 500-goal S2 catalogue = 5M rows, loaded by
 * the fixtures app — and what the summary refresh costs the worker.
 *
 *   1. load the population (reset/binary COPY) — timed, skipped when the
 *      bench database already holds exactly that population (GOALS_BENCH_RELOAD=1 forces it)
 *   2. refresh the summaries — timed (the staleness floor)
 *   3. each endpoint over HTTP, sequentially, after a warm-up: p50/p95/max
 *   4. the write path: S2 events replayed through the worker process (its
 *      dist/main.js) without, with, and again without a refresh running
 *      back to back (the worst case: a refresh interval of zero)
 *
 * Prints one JSON line per measurement, then tables. Env:
 *   DATABASE_URL               server for the `goals_reporting_bench` database (else an embedded PostgreSQL)
 *   GOALS_BENCH_USERS          players (default 10000)
 *   GOALS_BENCH_REQUESTS       timed requests per endpoint (default 200)
 *   GOALS_BENCH_EVENTS         S2 events per worker replay (default 30000; 0 skips the write-path part)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadavg } from 'node:os';
import { startDatabase } from '@goals/database';
import { catalogueJson, generateProgressRows, loadProgressRows, progressManifest, userIdAt, workloadCatalogue, writeEventLog } from '@goals/fixtures';
import pg from 'pg';
import { ReportCatalogue } from '../src/catalogue/report-catalogue.js';
import { reportingUrlFor } from '../src/database/reporting-url.js';
import { refreshSummaries, type RefreshReport } from '../src/refresh/refresh-summaries.js';
import { startReportingServer } from '../src/server/start-reporting-server.js';
import { setReportingRolePassword } from '../src/sql/set-reporting-role-password.js';

const USERS = Number(process.env.GOALS_BENCH_USERS ?? 10_000);
const REQUESTS = Number(process.env.GOALS_BENCH_REQUESTS ?? 200);
const EVENTS = Number(process.env.GOALS_BENCH_EVENTS ?? 30_000);
const WARMUP = 20;
const BENCH_PASSWORD = 'goals-reporting-bench';

function say(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

function emit(result: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN;
}

const round = (value: number): number => Math.round(value * 100) / 100;

interface EndpointResult {
  endpoint: string;
  requests: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  bytes: number;
  target: string;
}

async function timeEndpoint(baseUrl: string, name: string, target: string, urlFor: (i: number) => string, accept = 'application/json'): Promise<EndpointResult> {
  let bytes = 0;
  const once = async (i: number): Promise<number> => {
    const started = performance.now();
    const response = await fetch(new URL(urlFor(i), baseUrl), { headers: { accept } });
    const body = await response.arrayBuffer();
    const elapsed = performance.now() - started;
    if (response.status !== 200) throw new Error(`${name}: ${urlFor(i)} answered ${response.status}: ${Buffer.from(body).toString('utf8').slice(0, 300)}`);
    bytes = body.byteLength;
    return elapsed;
  };
  for (let i = 0; i < WARMUP; i++) await once(i);
  const times: number[] = [];
  for (let i = 0; i < REQUESTS; i++) times.push(await once(i + WARMUP));
  times.sort((a, b) => a - b);
  const result = { endpoint: name, requests: REQUESTS, p50Ms: round(percentile(times, 0.5)), p95Ms: round(percentile(times, 0.95)), maxMs: round(times.at(-1) ?? Number.NaN), bytes, target };
  emit({ benchmark: 'reporting-endpoint', ...result, loadAverage: loadavg().map(round) });
  return result;
}

interface WorkerSummary {
  events: { applied: number; ignored: number; dead_lettered: number };
  durationMs: number;
  eventsPerSecond: number;
  rowsWritten: number;
  flushMs: { p50: number; p99: number };
}

function replay(workerMain: string, args: string[]): Promise<WorkerSummary> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--max-old-space-size=192', workerMain, ...args, '--summary', '--log-level', 'warn', '--metrics-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as WorkerSummary) : reject(new Error(`worker exited with ${code}`))));
  });
}

async function populationLoaded(client: pg.Client, expectedRows: number, sha256: string): Promise<boolean> {
  const marker = await client.query<{ comment: string | null }>(`SELECT obj_description('user_goal_progress'::regclass, 'pg_class') AS comment`);
  if (marker.rows[0]?.comment !== `bench population ${sha256}`) return false;
  const count = await client.query<{ n: string }>('SELECT count(*) AS n FROM user_goal_progress');
  return Number(count.rows[0]?.n) === expectedRows;
}

async function main(): Promise<void> {
  const database = await startDatabase({ instanceName: 'bench', databaseName: 'goals_reporting_bench', log: say });
  const dir = mkdtempSync(join(tmpdir(), 'goals-reporting-bench-'));
  const catalogue = workloadCatalogue('S2');
  const cataloguePath = join(dir, 'challenges.json');
  writeFileSync(cataloguePath, catalogueJson(catalogue));
  const options = { seed: 1, catalogue, users: USERS, start: new Date('2026-11-01T00:00:00Z'), days: 30 };
  const manifest = progressManifest(options);
  const owner = new pg.Client({ connectionString: database.url });
  await owner.connect();
  const results: Record<string, unknown>[] = [];
  try {
    // ---- 1. the population
    let loadMs: number | null = null;
    if (process.env.GOALS_BENCH_RELOAD === '1' || !(await populationLoaded(owner, manifest.rows, manifest.sha256))) {
      say(`loading ${manifest.rows.toLocaleString('en-US')} rows (${USERS} players × ${catalogue.challenges.reduce((n, c) => n + c.goals.length, 0)} goals)`);
      await owner.query('TRUNCATE user_goal_progress, source_positions, dead_letters');
      const report = await loadProgressRows({ connectionString: database.url, reset: true, rows: generateProgressRows(options), expectedRows: manifest.rows });
      loadMs = report.durationMs;
      await owner.query(`COMMENT ON TABLE user_goal_progress IS 'bench population ${manifest.sha256}'`);
      await owner.query('VACUUM ANALYZE user_goal_progress');
      emit({ benchmark: 'population-load', rows: report.rows, durationMs: Math.round(report.durationMs), rowsPerSecond: Math.round(report.rowsPerSecond), phaseMs: report.phaseMs, loadAverage: loadavg().map(round) });
    } else {
      say('the bench database already holds this population; not reloading (GOALS_BENCH_RELOAD=1 forces it)');
    }
    await setReportingRolePassword(owner, BENCH_PASSWORD);

    // ---- 2. the refresh
    const refreshes: RefreshReport[] = [];
    for (let i = 0; i < 3; i++) refreshes.push(await refreshSummaries(database.url));
    for (const refresh of refreshes) emit({ benchmark: 'summary-refresh', progressRows: refresh.progressRows, durationMs: refresh.durationMs, phaseMs: refresh.phaseMs, loadAverage: loadavg().map(round) });
    const refreshMs = refreshes.map((r) => r.durationMs).sort((a, b) => a - b);

    // ---- 3. the endpoints
    const server = await startReportingServer({ databaseUrl: reportingUrlFor(database.url, BENCH_PASSWORD), catalogue: new ReportCatalogue(catalogue), port: 0, logger: false });
    const endpoints: EndpointResult[] = [];
    try {
      const player = (i: number): string => userIdAt((i * 7_919) % USERS);
      const challenge = (i: number): string => catalogue.challenges[i % catalogue.challenges.length]?.id ?? '';
      endpoints.push(await timeEndpoint(server.url, 'GET /api/overview', '≤ 150', () => '/api/overview'));
      endpoints.push(await timeEndpoint(server.url, 'GET /api/overview?namespace=fixtures', '≤ 150', () => '/api/overview?namespace=fixtures'));
      endpoints.push(await timeEndpoint(server.url, 'GET /api/goals?limit=500 (all 500 goals)', '≤ 150', () => '/api/goals?limit=500'));
      endpoints.push(await timeEndpoint(server.url, 'GET /api/goals?sort=completionRate&order=desc&limit=50', '', () => '/api/goals?sort=completionRate&order=desc&limit=50'));
      endpoints.push(await timeEndpoint(server.url, 'GET /api/challenges/:id/funnel', '', (i) => `/api/challenges/${challenge(i)}/funnel`));
      endpoints.push(await timeEndpoint(server.url, 'GET /api/daily (default range: 30 days)', '≤ 150', () => '/api/daily'));
      endpoints.push(await timeEndpoint(server.url, 'GET /api/daily?from&to (366 days, one challenge)', '≤ 150', (i) => `/api/daily?from=2026-01-01&to=2027-01-01&challenge=${challenge(i)}`));
      endpoints.push(await timeEndpoint(server.url, 'GET /api/players/:id?limit=500 (all 500 goals, live)', '≤ 20', (i) => `/api/players/${player(i)}?limit=500`));
      endpoints.push(await timeEndpoint(server.url, 'GET /api/players/:id (first 100 goals, live)', '≤ 20', (i) => `/api/players/${player(i)}`));
      endpoints.push(await timeEndpoint(server.url, 'GET /api/players?prefix=… (10 matches)', '', (i) => `/api/players?prefix=${player(i).slice(0, -1)}&limit=10`));
      endpoints.push(await timeEndpoint(server.url, 'GET /api/goals?format=csv (500 goals)', '', () => '/api/goals?format=csv'));
      endpoints.push(await timeEndpoint(server.url, 'GET / (the page, server-rendered)', '', () => '/', 'text/html'));
    } finally {
      await server.close();
    }
    results.push(...endpoints.map((e) => ({ ...e })));

    // ---- 4. the write path
    const replays: Record<string, unknown>[] = [];
    if (EVENTS > 0) {
      const workerMain = join(dirname(fileURLToPath(import.meta.resolve('@goals/worker'))), 'main.js');
      const logPath = join(dir, 's2.ndjson');
      await writeEventLog(logPath, { workload: 'S2', seed: 2, events: EVENTS, users: USERS, start: new Date('2026-11-20T00:00:00Z'), durationMs: 86_400_000 });
      const modes: ('without refresh' | 'with refresh back to back')[] = ['without refresh', 'with refresh back to back', 'without refresh'];
      for (const [index, mode] of modes.entries()) {
        let refreshing = mode !== 'without refresh';
        let refreshCount = 0;
        let refreshBusyMs = 0;
        const loop = (async () => {
          while (refreshing) {
            const report = await refreshSummaries(database.url);
            refreshCount++;
            refreshBusyMs += report.durationMs;
          }
        })();
        const summary = await replay(workerMain, ['--input', logPath, '--catalogue', cataloguePath, '--database-url', database.url, '--source-name', `reporting-bench-${Date.now()}-${index}`]);
        refreshing = false;
        await loop;
        const result = {
          benchmark: 'worker-replay-s2',
          mode,
          events: EVENTS,
          eventsPerSecond: summary.eventsPerSecond,
          rowWritesPerSecond: Math.round((summary.rowsWritten / summary.durationMs) * 1000),
          flushP50Ms: summary.flushMs.p50,
          flushP99Ms: summary.flushMs.p99,
          durationMs: summary.durationMs,
          refreshes: refreshCount,
          refreshMeanMs: refreshCount === 0 ? null : Math.round(refreshBusyMs / refreshCount),
          loadAverage: loadavg().map(round),
        };
        emit(result);
        replays.push(result);
      }
    }

    // ---- tables
    const table = (header: string[], rows: string[][]): string => {
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
      const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
      return `${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`;
    };
    process.stdout.write(`\npopulation: ${manifest.rows.toLocaleString('en-US')} rows; load ${loadMs === null ? 'skipped (already loaded)' : `${(loadMs / 1000).toFixed(1)} s`}; refresh ${refreshMs.join(' / ')} ms; load average ${loadavg().map(round).join(' ')}\n\n`);
    process.stdout.write(table(['endpoint', 'requests', 'p50 ms', 'p95 ms', 'max ms', 'bytes', 'target p95 ms'], endpoints.map((e) => [e.endpoint, String(e.requests), String(e.p50Ms), String(e.p95Ms), String(e.maxMs), String(e.bytes), e.target])));
    if (replays.length > 0) {
      process.stdout.write(`\n${table(['S2 replay', 'events', 'events/s', 'row writes/s', 'flush p50 ms', 'flush p99 ms', 'refreshes (mean ms)'], replays.map((r) => [String(r.mode), String(r.events), String(r.eventsPerSecond), String(r.rowWritesPerSecond), String(r.flushP50Ms), String(r.flushP99Ms), r.refreshes === 0 ? '—' : `${String(r.refreshes)} (${String(r.refreshMeanMs)})`]))}`);
    }
  } finally {
    await owner.end();
    await database.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
