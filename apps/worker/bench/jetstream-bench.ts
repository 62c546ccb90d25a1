/**
 * `pnpm bench:jetstream` (apps/worker; part of `pnpm bench`): S2 through
 * JetStream with 1, 2 and 3 worker processes × flush concurrency 1 and 2, and
 * the NDJSON worker on the same log in the same run, against one PostgreSQL
 * (DATABASE_URL, or an embedded one) and a private nats-server.
 *
 * Per setting: fresh tables and a fresh stream; the workers start and take
 * their shares; the log is published at GOALS_BENCH_RATE events/s (above what
 * the workers sustain, so the number measured is their capacity); the run
 * ends when every partition's stored position reaches the stream's last
 * sequence on its subject.
 * - events/s: events / (last commit − first publish)
 * - rows/s: goal-row writes the workers report / the same time
 * - lag p50/p99: every 200 ms, for each partition whose stored position moved,
 *   now − the stream timestamp of the newest event that commit covered
 * - CPU per event: the worker processes' user + system CPU / events
 * - peak RSS: the largest worker's
 *
 *   GOALS_BENCH_EVENTS  S2 events (default 30000)    GOALS_BENCH_USERS  players (default 10000)
 *   GOALS_BENCH_RATE    offered events/s (default 2500)
 *   GOALS_BENCH_SETTINGS  e.g. "1x1,2x2" (workers x flush concurrency; default all six)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDatabase } from '@goals/database';
import { connectToNats, createEventPublisher, ensureEventStream, EVENT_STREAM_NAME, partitionSubject } from '@goals/event-stream';
import { findNatsServerBinary, NATS_SERVER_MISSING, startPrivateNatsServer } from '@goals/event-stream/testing';
import { generateEventLines, workloadCatalogue } from '@goals/fixtures';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import pg from 'pg';

const EVENTS = Number(process.env.GOALS_BENCH_EVENTS ?? 30_000);
const USERS = Number(process.env.GOALS_BENCH_USERS ?? 10_000);
const RATE = Number(process.env.GOALS_BENCH_RATE ?? 2_500);
const PARTITIONS = 8;
const SETTINGS = (process.env.GOALS_BENCH_SETTINGS ?? '1x1,1x2,2x1,2x2,3x1,3x2').split(',').map((s) => {
  const [workers, concurrency] = s.split('x').map(Number);
  return { workers: workers ?? 1, concurrency: concurrency ?? 1 };
});
const WORKER = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const SOURCE = 'jetstream:GOALS_EVENTS';

interface ProcessSummary {
  rowsWritten: number;
  cpuSeconds: number;
  peakRssMb: number;
  events: { applied: number; ignored: number; dead_lettered: number };
  durationMs: number;
  eventsPerSecond?: number;
}

interface Result {
  benchmark: 'worker-jetstream' | 'worker-ndjson';
  workload: 'S2';
  workers: number;
  flushConcurrency: number | null;
  events: number;
  offeredPerSecond: number | null;
  eventsPerSecond: number;
  rowWritesPerSecond: number;
  lagP50Ms: number | null;
  lagP99Ms: number | null;
  cpuMicrosPerEvent: number;
  peakRssMb: number;
  loadAverage1m: number;
}

function spawnWorker(args: string[]): { child: ChildProcess; summary: Promise<ProcessSummary> } {
  const child = spawn(process.execPath, ['--max-old-space-size=192', WORKER, ...args, '--summary', '--log-level', 'warn', '--metrics-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  const summary = new Promise<ProcessSummary>((resolve, reject) => {
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`worker exited with ${code}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ProcessSummary);
    });
  });
  return { child, summary };
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
}

async function resetTables(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('TRUNCATE user_goal_progress, source_positions, dead_letters, partition_leases, worker_heartbeats');
  await client.query('VACUUM ANALYZE user_goal_progress');
  await client.end();
}

async function lastSequences(jsm: JetStreamManager): Promise<Map<string, number>> {
  const last = new Map<string, number>();
  for (let p = 0; p < PARTITIONS; p++) {
    const message = await jsm.streams.getMessage(EVENT_STREAM_NAME, { last_by_subj: partitionSubject(p) });
    last.set(String(p), message?.seq ?? 0);
  }
  return last;
}

async function runJetStream(databaseUrl: string, natsUrl: string, cataloguePath: string, lines: readonly string[], workers: number, concurrency: number): Promise<Result> {
  await resetTables(databaseUrl);
  const connection = await connectToNats({ servers: natsUrl, name: 'bench' });
  const jsm = await jetstreamManager(connection);
  await jsm.streams.delete(EVENT_STREAM_NAME).catch(() => false);
  await ensureEventStream(connection, { partitions: PARTITIONS });
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const processes = Array.from({ length: workers }, (_, i) =>
    spawnWorker([
      '--source', 'jetstream', '--nats-servers', natsUrl, '--partitions', String(PARTITIONS), '--catalogue', cataloguePath,
      '--database-url', databaseUrl, '--worker-id', `bench-${i}`, '--flush-concurrency', String(concurrency),
      '--lease-ttl-ms', '6000', '--lease-scan-interval-ms', '1000',
    ]),
  );
  try {
    // every worker holds its share before the first event
    for (const deadline = Date.now() + 60_000; ; ) {
      const { rows } = await db.query<{ owners: number; held: number }>('SELECT count(DISTINCT owner)::int AS owners, count(owner)::int AS held FROM partition_leases WHERE source = $1', [SOURCE]);
      const counts = rows.at(0);
      if (counts?.owners === workers && counts.held === PARTITIONS) break;
      if (Date.now() > deadline) throw new Error('workers did not take their shares within 60 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const publisher = await createEventPublisher({ connection });
    const lags: number[] = [];
    const previous = new Map<string, number>();
    const sampling = { running: true };
    const sampler = (async () => {
      while (sampling.running) {
        const { rows } = await db.query<{ partition: string; position: string }>('SELECT partition, position::text FROM source_positions WHERE source = $1', [SOURCE]);
        const now = Date.now();
        for (const row of rows) {
          const position = Number(row.position);
          if (position === (previous.get(row.partition) ?? 0)) continue;
          previous.set(row.partition, position);
          const stored = await jsm.streams.getMessage(EVENT_STREAM_NAME, { seq: position });
          if (stored !== null) lags.push(now - stored.time.getTime());
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    })();
    const started = Date.now();
    process.stderr.write(`[bench] ${workers} worker(s) × flush concurrency ${concurrency}: publishing ${lines.length} events at ${RATE}/s\n`);
    for (let i = 0; i < lines.length; i++) {
      // offered rate: event i goes out no earlier than i / RATE seconds after the start
      const due = started + (i * 1000) / RATE;
      if (due > Date.now() + 5) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      await publisher.publishLine(lines[i] ?? '');
    }
    await publisher.flush();
    const last = await lastSequences(jsm);
    for (const deadline = Date.now() + 900_000; ; ) {
      const { rows } = await db.query<{ partition: string; position: string }>('SELECT partition, position::text FROM source_positions WHERE source = $1', [SOURCE]);
      const stored = new Map(rows.map((r) => [r.partition, Number(r.position)]));
      if ([...last].every(([p, seq]) => seq === 0 || (stored.get(p) ?? 0) >= seq)) break;
      if (Date.now() > deadline) throw new Error('not consumed within 15 minutes');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const elapsedMs = Date.now() - started;
    sampling.running = false;
    await sampler;
    const load = loadavg()[0] ?? 0;
    for (const { child } of processes) child.kill('SIGTERM');
    const summaries = await Promise.all(processes.map((p) => p.summary));
    lags.sort((a, b) => a - b);
    const rows = summaries.reduce((sum, s) => sum + s.rowsWritten, 0);
    const cpu = summaries.reduce((sum, s) => sum + s.cpuSeconds, 0);
    return {
      benchmark: 'worker-jetstream',
      workload: 'S2',
      workers,
      flushConcurrency: concurrency,
      events: lines.length,
      offeredPerSecond: RATE,
      eventsPerSecond: Math.round((lines.length / elapsedMs) * 1000),
      rowWritesPerSecond: Math.round((rows / elapsedMs) * 1000),
      lagP50Ms: percentile(lags, 0.5),
      lagP99Ms: percentile(lags, 0.99),
      cpuMicrosPerEvent: Math.round((cpu / lines.length) * 1e6),
      peakRssMb: Math.max(...summaries.map((s) => s.peakRssMb)),
      loadAverage1m: Number(load.toFixed(2)),
    };
  } finally {
    for (const { child } of processes) if (child.exitCode === null) child.kill('SIGKILL');
    await db.end();
    await connection.close();
  }
}

async function runNdjson(databaseUrl: string, cataloguePath: string, logPath: string, events: number): Promise<Result> {
  await resetTables(databaseUrl);
  process.stderr.write('[bench] the NDJSON worker on the same log\n');
  const { summary } = spawnWorker(['--input', logPath, '--catalogue', cataloguePath, '--database-url', databaseUrl, '--source-name', 'bench-ndjson']);
  const result = await summary;
  return {
    benchmark: 'worker-ndjson',
    workload: 'S2',
    workers: 1,
    flushConcurrency: null,
    events,
    offeredPerSecond: null,
    eventsPerSecond: result.eventsPerSecond ?? Math.round((events / result.durationMs) * 1000),
    rowWritesPerSecond: Math.round((result.rowsWritten / result.durationMs) * 1000),
    lagP50Ms: null,
    lagP99Ms: null,
    cpuMicrosPerEvent: Math.round((result.cpuSeconds / events) * 1e6),
    peakRssMb: result.peakRssMb,
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(2)),
  };
}

async function main(): Promise<void> {
  const binary = findNatsServerBinary();
  if (binary === null) {
    process.stderr.write(`[bench] ${NATS_SERVER_MISSING}\n`);
    process.exitCode = 1;
    return;
  }
  const database = await startDatabase({ instanceName: 'bench', databaseName: 'goals_bench' });
  const nats = await startPrivateNatsServer(binary);
  const dir = mkdtempSync(join(tmpdir(), 'goals-jetstream-bench-'));
  const results: Result[] = [];
  try {
    const cataloguePath = join(dir, 'S2.json');
    writeFileSync(cataloguePath, JSON.stringify(workloadCatalogue('S2')));
    process.stderr.write(`[bench] generating ${EVENTS} S2 events for ${USERS} users\n`);
    const lines = [...generateEventLines({ workload: 'S2', seed: 1, events: EVENTS, users: USERS, start: new Date('2026-11-01T00:00:00Z'), durationMs: 3 * 86_400_000 })];
    const logPath = join(dir, 'S2.ndjson');
    writeFileSync(logPath, `${lines.join('\n')}\n`);
    const ndjson = await runNdjson(database.url, cataloguePath, logPath, lines.length);
    results.push(ndjson);
    process.stdout.write(`${JSON.stringify(ndjson)}\n`);
    for (const { workers, concurrency } of SETTINGS) {
      const result = await runJetStream(database.url, nats.url, cataloguePath, lines, workers, concurrency);
      results.push(result);
      process.stdout.write(`${JSON.stringify({ ...result, vsNdjson: Number((result.eventsPerSecond / ndjson.eventsPerSecond).toFixed(2)) })}\n`);
    }
  } finally {
    await nats.dispose();
    await database.stop();
  }
  const ndjsonRate = results[0]?.eventsPerSecond ?? 1;
  const header = ['source', 'workers', 'flush conc.', 'events/s', '× NDJSON', 'row writes/s', 'lag p50 ms', 'lag p99 ms', 'CPU µs/event', 'peak RSS MB', 'load 1m'];
  const rows = results.map((r) =>
    [r.benchmark === 'worker-ndjson' ? 'NDJSON' : 'JetStream', r.workers, r.flushConcurrency ?? '-', r.eventsPerSecond, (r.eventsPerSecond / ndjsonRate).toFixed(2), r.rowWritesPerSecond, r.lagP50Ms ?? '-', r.lagP99Ms ?? '-', r.cpuMicrosPerEvent, r.peakRssMb, r.loadAverage1m].map(String),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padStart(widths[i] ?? 0)).join(' | ')} |`;
  process.stdout.write(`\n${line(header)}\n|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|\n${rows.map(line).join('\n')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
