#!/usr/bin/env -S node --max-old-space-size=192
// The heap cap keeps RSS near the live set (≈100 MB at the default buffer size); V8 otherwise grows lazily.
import { Command, InvalidArgumentError } from 'commander';
import { CatalogueError } from '@goals/domain';
import { EventStreamError } from '@goals/event-stream';
import { ConfigError, resolveWorkerConfig } from './config/worker-config.js';
import { runJetStreamWorker, runWorker } from './run-worker.js';
import { SourceRefusedError } from './sources/source-refused-error.js';

/**
 * Every setting's flag, as [flags, help, parser]: the environment variable and
 * the default are in the help text, and `resolveWorkerConfig` (config/) is
 * where they are read and checked.
 */
const SETTINGS: readonly (readonly [flags: string, help: string, parse?: (value: string) => number])[] = [
  ['-i, --input <file>', 'NDJSON events file, or - for stdin (env GOALS_INPUT)'],
  ['--source-name <name>', 'identity under which the read position is stored (env GOALS_SOURCE_NAME; default file:<absolute path>; required for stdin)'],
  ['-c, --catalogue <file>', 'goal catalogue, challenges.json (env GOALS_CATALOGUE)'],
  ['--database-url <url>', 'PostgreSQL URL (env DATABASE_URL; default: embedded PostgreSQL under .goals-data/)'],
  ['--max-buffer-rows <n>', 'rows held before reading pauses (env GOALS_MAX_BUFFER_ROWS; default 50000)', integer],
  ['--max-buffer-bytes <n>', 'estimated heap bytes held before reading pauses (env GOALS_MAX_BUFFER_BYTES; default 33554432 = 32 MiB)', integer],
  ['--new-replay', 'consume content already consumed under another source name: a deliberate second count (env GOALS_NEW_REPLAY=1)'],
  ['--flush-interval-ms <n>', 'flush a non-empty buffer at least this often (env GOALS_FLUSH_INTERVAL_MS; default 1000)', integer],
  ['--shutdown-deadline-ms <n>', 'on SIGTERM/SIGINT, the final flush must commit within this (env GOALS_SHUTDOWN_DEADLINE_MS; default 10000)', integer],
  ['--metrics-port <n>', 'port for /metrics, /healthz, /readyz on 127.0.0.1; 0 = any free port, logged (env GOALS_METRICS_PORT; default 9464)', integer],
  ['--metrics-host <address>', 'address for the observability server (env GOALS_METRICS_HOST; default 127.0.0.1, 0.0.0.0 for probes from outside)'],
  ['--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env GOALS_LOG_LEVEL; default info)'],
  ['--db-connect-timeout-ms <n>', 'connecting, and waiting for a free pooled connection (env GOALS_DB_CONNECT_TIMEOUT_MS; default 10000)', integer],
  ['--db-statement-timeout-ms <n>', 'server-side bound of one statement (env GOALS_DB_STATEMENT_TIMEOUT_MS; default 30000)', integer],
  ['--db-lock-timeout-ms <n>', 'server-side bound of one lock wait (env GOALS_DB_LOCK_TIMEOUT_MS; default 10000)', integer],
  ['--db-no-answer-timeout-ms <n>', 'client-side bound of one round trip: a peer that stopped answering (env GOALS_DB_NO_ANSWER_TIMEOUT_MS; default 40000)', integer],
  ['--stall-after-ms <n>', '/readyz answers 503 while a flush is in flight longer than this (env GOALS_STALL_AFTER_MS; default 30000)', integer],
  ['--http-request-timeout-ms <n>', 'a request to the observability server must arrive within this (env GOALS_HTTP_REQUEST_TIMEOUT_MS; default 10000)', integer],
  ['--http-keep-alive-ms <n>', 'idle keep-alive connections to it are closed after this (env GOALS_HTTP_KEEP_ALIVE_MS; default 5000)', integer],
  ['--source <kind>', 'ndjson (a file or stdin) or jetstream (NATS; runs until SIGTERM) (env GOALS_SOURCE; default ndjson)'],
  ['--nats-servers <urls>', 'NATS server(s), comma-separated, with --source jetstream (env NATS_URL; default nats://127.0.0.1:4222)'],
  ['--partitions <P>', 'partition count of the stream; must equal the one it was created with (env GOALS_PARTITIONS; required with jetstream)', integer],
  ['--worker-id <id>', 'lease owner name, unique per process (env GOALS_WORKER_ID; default <hostname>-<pid>-<random>)'],
  ['--flush-concurrency <n>', 'partitions flushing at once, each in its own transaction (env GOALS_FLUSH_CONCURRENCY; default the cores, 2 … 8)', integer],
  ['--lease-ttl-ms <n>', 'a partition lease not renewed for this long is taken over (env GOALS_LEASE_TTL_MS; default 10000)', integer],
  ['--lease-scan-interval-ms <n>', 'heartbeat, renewal and rebalancing interval, at most a third of the TTL (env GOALS_LEASE_SCAN_INTERVAL_MS; default 2000)', integer],
  ['--default-event-kind <kind>', 'userLoggedIn or statItemUpdated: the AGS kind of a source whose records leave out name (env GOALS_DEFAULT_EVENT_KIND; default none)'],
];

const program = new Command()
  .name('goals-worker')
  .description('Applies game events (NDJSON) to goal progress in PostgreSQL, exactly once: progress and the read position commit together.');
for (const [flags, help, parse] of SETTINGS) {
  if (parse === undefined) program.option(flags, help);
  else program.option(flags, help, parse);
}
program.option('--summary', 'print the run summary as JSON on stdout when done', false).showHelpAfterError();

function integer(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed)) throw new InvalidArgumentError('not an integer');
  return parsed;
}

async function main(): Promise<void> {
  program.parse();
  const { summary: printSummary, ...flags } = program.opts<Record<string, unknown> & { summary: boolean }>();
  try {
    const config = resolveWorkerConfig(flags);
    const summary = config.source === 'jetstream' ? await runJetStreamWorker(config) : await runWorker(config);
    if (printSummary) {
      const cpu = process.cpuUsage();
      const resources = { cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) };
      process.stdout.write(`${JSON.stringify({ ...summary, ...resources })}\n`);
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CatalogueError) {
      process.stderr.write(`goals-worker: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    if (error instanceof SourceRefusedError) {
      // an operator decision, not a transient failure: a supervisor restarting on 1 should not loop on this
      process.stderr.write(`goals-worker: ${error.code}: ${error.message}\n`);
      process.exitCode = 3;
      return;
    }
    if (error instanceof EventStreamError) {
      // 5: NATS cannot be reached (retry later); 4: the stream is not the one this worker was configured for, or is behind the stored positions (fix the setup)
      process.stderr.write(`goals-worker: ${error.code}: ${error.message}\n`);
      process.exitCode = error.code === 'NATS_UNREACHABLE' || error.code === 'JETSTREAM_UNAVAILABLE' ? 5 : 4;
      return;
    }
    process.stderr.write(`goals-worker: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

await main();
