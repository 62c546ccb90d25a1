#!/usr/bin/env node
/**
 * `pnpm demo`: generate the INC workload's catalogue and an event log with the
 * fixtures app, run the real worker over it into a dedicated `goals_demo`
 * database (embedded PostgreSQL unless DATABASE_URL is set), and print what
 * happened. The demo database is reset at every run so the numbers are those
 * of one pass; nothing else on the server is touched.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDatabase } from '@goals/database';
import { workloadCatalogue, writeEventLog } from '@goals/fixtures';
import pg from 'pg';
import { resolveWorkerConfig } from '../config/worker-config.js';
import { WorkerMetrics } from '../observability/metrics.js';
import { runWorker } from '../run-worker.js';

const EVENTS = Number(process.env.GOALS_DEMO_EVENTS ?? 20_000);
const USERS = 1_000;
const DEMO_DATABASE = 'goals_demo';
const repositoryRoot = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));
const workDir = join(repositoryRoot, '.goals-data', 'demo');

function say(line: string): void {
  process.stderr.write(`[demo] ${line}\n`);
}

async function main(): Promise<void> {
  const started = performance.now();
  mkdirSync(workDir, { recursive: true });
  const cataloguePath = join(workDir, 'challenges.json');
  writeFileSync(cataloguePath, `${JSON.stringify(workloadCatalogue('INC'), null, 2)}\n`);
  const logPath = join(workDir, 'events.ndjson');
  const start = new Date(Date.UTC(2026, 10, 1));
  say(`generating ${EVENTS.toLocaleString('en-US')} INC-workload events for ${USERS} players over 3 days → ${logPath}`);
  const manifest = await writeEventLog(logPath, { workload: 'INC', seed: 42, events: EVENTS, users: USERS, start, durationMs: 3 * 86_400_000, faultRate: 0.001 });

  // its own database (embedded, or on DATABASE_URL's server), reset every run: nothing else is touched
  const database = await startDatabase({ databaseName: DEMO_DATABASE, log: say });
  const reset = new pg.Client({ connectionString: database.url });
  await reset.connect();
  await reset.query('TRUNCATE user_goal_progress, source_positions, dead_letters');
  await reset.end();

  const metrics = new WorkerMetrics();
  const progress = setInterval(() => {
    void metrics.events.get().then((counter) => {
      const done = counter.values.reduce((sum, v) => sum + v.value, 0);
      say(`${done.toLocaleString('en-US')} / ${EVENTS.toLocaleString('en-US')} events (${Math.round((done / EVENTS) * 100)} %)`);
    });
  }, 2_000);
  let summary;
  try {
    const config = resolveWorkerConfig({ input: logPath, catalogue: cataloguePath, databaseUrl: database.url, logLevel: 'warn', metricsPort: 0, sourceName: 'demo-log' });
    summary = await runWorker(config, { metrics });
  } finally {
    clearInterval(progress);
  }

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const byStatus = await client.query<{ status: string; rows: string }>('SELECT status, count(*) AS rows FROM user_goal_progress GROUP BY status ORDER BY status');
  const deadLetters = await client.query<{ error_code: string; n: string }>('SELECT error_code, count(*) AS n FROM dead_letters GROUP BY error_code');
  const sample = await client.query<{ user_id: string; goal_id: string; progress: number; status: string }>(
    `SELECT user_id, goal_id, progress, status FROM user_goal_progress WHERE user_id = (SELECT min(user_id) FROM user_goal_progress WHERE user_id LIKE 'user-%') ORDER BY goal_id LIMIT 8`,
  );
  await client.end();
  await database.stop();

  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`Event log: ${manifest.lines.toLocaleString('en-US')} lines: ${Object.entries(manifest.counts).map(([kind, n]) => `${kind} ${n}`).join(', ')}`);
  out(`Worker:    ${summary.events.applied} applied, ${summary.events.ignored} ignored, ${summary.events.dead_lettered} dead-lettered`);
  out(`           ${summary.eventsPerSecond.toLocaleString('en-US')} events/s, ${summary.flushes} flushes, flush p50 ${summary.flushMs.p50} ms / p99 ${summary.flushMs.p99} ms`);
  out(`Dead letters: ${deadLetters.rows.map((r) => `${r.error_code} ${r.n}`).join(', ') || 'none'} (the log holds ${manifest.deadLetterEvents} malformed lines)`);
  out();
  out('Rows by status');
  for (const row of byStatus.rows) out(`  ${row.status.padEnd(12)} ${Number(row.rows).toLocaleString('en-US').padStart(10)}`);
  out();
  out(`One player's progress (${sample.rows[0]?.user_id ?? '-'})`);
  for (const row of sample.rows) out(`  ${row.goal_id.padEnd(28)} ${String(row.progress).padStart(6)}  ${row.status}`);
  out();
  out(`Done in ${((performance.now() - started) / 1000).toFixed(1)} s. Run it again: the demo database is reset each time.`);
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
