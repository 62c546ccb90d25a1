import { resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { AGS_EVENT_NAMES } from '@goals/domain';
import { DEFAULT_DATABASE_TIMEOUTS } from '@goals/prisma-repo';
import { DEFAULT_MAX_BUFFER_BYTES, DEFAULT_STALL_AFTER_MS } from '../goal-worker.js';
import { DEFAULT_HTTP_TIMEOUTS } from '@goals/runtime';

/**
 * Worker settings: environment variables, overridden by CLI flags, validated
 * here once; everything inward receives typed values.
 *
 * | flag | env | default |
 * | --- | --- | --- |
 * | --input <file or -> | GOALS_INPUT | - (stdin) |
 * | --source-name <name> | GOALS_SOURCE_NAME | file:<absolute path> or stdin |
 * | --catalogue <file> | GOALS_CATALOGUE | (required) |
 * | --database-url <url> | DATABASE_URL | embedded PostgreSQL |
 * | --max-buffer-rows <n> | GOALS_MAX_BUFFER_ROWS | 50000 |
 * | --max-buffer-bytes <n> | GOALS_MAX_BUFFER_BYTES | 33554432 (32 MiB) |
 * | --new-replay | GOALS_NEW_REPLAY | off |
 * | --flush-interval-ms <n> | GOALS_FLUSH_INTERVAL_MS | 1000 |
 * | --shutdown-deadline-ms <n> | GOALS_SHUTDOWN_DEADLINE_MS | 10000 |
 * | --metrics-port <n> (0 = any free port, logged) | GOALS_METRICS_PORT | 9464 |
 * | --metrics-host <address> | GOALS_METRICS_HOST | 127.0.0.1 (0.0.0.0 for probes from outside) |
 * | --log-level <level> | GOALS_LOG_LEVEL | info |
 * | --db-connect-timeout-ms <n> | GOALS_DB_CONNECT_TIMEOUT_MS | 10000 (connect and pool checkout) |
 * | --db-statement-timeout-ms <n> | GOALS_DB_STATEMENT_TIMEOUT_MS | 30000 |
 * | --db-lock-timeout-ms <n> | GOALS_DB_LOCK_TIMEOUT_MS | 10000 |
 * | --db-no-answer-timeout-ms <n> | GOALS_DB_NO_ANSWER_TIMEOUT_MS | 40000 (client side: a peer that stopped answering) |
 * | --stall-after-ms <n> | GOALS_STALL_AFTER_MS | 30000 (/readyz 503 while a flush is in flight longer) |
 * | --http-request-timeout-ms <n> | GOALS_HTTP_REQUEST_TIMEOUT_MS | 10000 |
 * | --http-keep-alive-ms <n> | GOALS_HTTP_KEEP_ALIVE_MS | 5000 |
 * | --source <ndjson or jetstream> | GOALS_SOURCE | ndjson |
 * | --nats-servers <urls> | NATS_URL | nats://127.0.0.1:4222 |
 * | --partitions <P> | GOALS_PARTITIONS | (required with jetstream) |
 * | --worker-id <id> | GOALS_WORKER_ID | <hostname>-<pid>-<random> |
 * | --flush-concurrency <n> | GOALS_FLUSH_CONCURRENCY | the machine's cores (2 … 8) |
 * | --lease-ttl-ms <n> | GOALS_LEASE_TTL_MS | 10000 |
 * | --lease-scan-interval-ms <n> | GOALS_LEASE_SCAN_INTERVAL_MS | 2000 |
 * | --default-event-kind <userLoggedIn or statItemUpdated> | GOALS_DEFAULT_EVENT_KIND | (none: every record names its kind) |
 */
const positiveInt = z.coerce.number().int().positive();
/** source_positions.source is VARCHAR(200). */
const MAX_SOURCE_NAME_LENGTH = 200;

export const workerConfigSchema = z.object({
  input: z.string().min(1).default('-'),
  sourceName: z.string().min(1).max(MAX_SOURCE_NAME_LENGTH).optional(),
  catalogue: z.string({ error: 'a goal catalogue is required: --catalogue <challenges.json> or GOALS_CATALOGUE' }).min(1),
  databaseUrl: z.string().min(1).optional(),
  maxBufferRows: positiveInt.default(50_000),
  maxBufferBytes: positiveInt.min(1 << 20, 'must be at least 1048576 (1 MiB)').default(DEFAULT_MAX_BUFFER_BYTES),
  newReplay: z.union([z.boolean(), z.enum(['1', 'true', '0', 'false', '']).transform((v) => v === '1' || v === 'true')]).default(false),
  flushIntervalMs: positiveInt.default(1_000),
  shutdownDeadlineMs: positiveInt.default(10_000),
  metricsPort: z.coerce.number().int().min(0).max(65_535).default(9464),
  metricsHost: z.string().min(1).default('127.0.0.1'),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  dbConnectTimeoutMs: positiveInt.default(DEFAULT_DATABASE_TIMEOUTS.connectMs),
  dbStatementTimeoutMs: positiveInt.default(DEFAULT_DATABASE_TIMEOUTS.statementMs),
  dbLockTimeoutMs: positiveInt.default(DEFAULT_DATABASE_TIMEOUTS.lockMs),
  dbNoAnswerTimeoutMs: positiveInt.default(DEFAULT_DATABASE_TIMEOUTS.noAnswerMs),
  stallAfterMs: positiveInt.default(DEFAULT_STALL_AFTER_MS),
  httpRequestTimeoutMs: positiveInt.default(DEFAULT_HTTP_TIMEOUTS.requestTimeoutMs),
  httpKeepAliveMs: positiveInt.default(DEFAULT_HTTP_TIMEOUTS.keepAliveTimeoutMs),
  source: z.enum(['ndjson', 'jetstream']).default('ndjson'),
  natsServers: z.string().min(1).default('nats://127.0.0.1:4222'),
  partitions: z.coerce.number().int().min(1).max(1024).optional(),
  workerId: z.string().min(1).max(200).optional(),
  // one flushing partition per core keeps PostgreSQL's backends busy without queueing on the server
  flushConcurrency: z.coerce.number().int().min(1).max(64).default(Math.min(8, Math.max(2, availableParallelism()))),
  leaseTtlMs: z.coerce.number().int().min(1_000).default(10_000),
  leaseScanIntervalMs: z.coerce.number().int().min(100).default(2_000),
  // records of a one-kind AGS source may leave out `name` (issue 21)
  defaultEventKind: z.enum(AGS_EVENT_NAMES).optional(),
});

export type WorkerConfig = z.infer<typeof workerConfigSchema>;

const ENVIRONMENT: Record<keyof WorkerConfig, string> = {
  input: 'GOALS_INPUT',
  sourceName: 'GOALS_SOURCE_NAME',
  catalogue: 'GOALS_CATALOGUE',
  databaseUrl: 'DATABASE_URL',
  maxBufferRows: 'GOALS_MAX_BUFFER_ROWS',
  maxBufferBytes: 'GOALS_MAX_BUFFER_BYTES',
  newReplay: 'GOALS_NEW_REPLAY',
  flushIntervalMs: 'GOALS_FLUSH_INTERVAL_MS',
  shutdownDeadlineMs: 'GOALS_SHUTDOWN_DEADLINE_MS',
  metricsPort: 'GOALS_METRICS_PORT',
  metricsHost: 'GOALS_METRICS_HOST',
  logLevel: 'GOALS_LOG_LEVEL',
  dbConnectTimeoutMs: 'GOALS_DB_CONNECT_TIMEOUT_MS',
  dbStatementTimeoutMs: 'GOALS_DB_STATEMENT_TIMEOUT_MS',
  dbLockTimeoutMs: 'GOALS_DB_LOCK_TIMEOUT_MS',
  dbNoAnswerTimeoutMs: 'GOALS_DB_NO_ANSWER_TIMEOUT_MS',
  stallAfterMs: 'GOALS_STALL_AFTER_MS',
  httpRequestTimeoutMs: 'GOALS_HTTP_REQUEST_TIMEOUT_MS',
  httpKeepAliveMs: 'GOALS_HTTP_KEEP_ALIVE_MS',
  source: 'GOALS_SOURCE',
  natsServers: 'NATS_URL',
  partitions: 'GOALS_PARTITIONS',
  workerId: 'GOALS_WORKER_ID',
  flushConcurrency: 'GOALS_FLUSH_CONCURRENCY',
  leaseTtlMs: 'GOALS_LEASE_TTL_MS',
  leaseScanIntervalMs: 'GOALS_LEASE_SCAN_INTERVAL_MS',
  defaultEventKind: 'GOALS_DEFAULT_EVENT_KIND',
};

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid worker configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** The identity of a file's stored position when no --source-name is given: its absolute path. */
export function defaultSourceName(input: string): string {
  return `file:${resolve(input)}`;
}

/** Flags win over the environment; empty environment values count as unset. */
export function resolveWorkerConfig(flags: Partial<Record<keyof WorkerConfig, unknown>>, env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const merged: Record<string, unknown> = {};
  for (const [key, variable] of Object.entries(ENVIRONMENT) as [keyof WorkerConfig, string][]) {
    const fromEnv = env[variable];
    const value = flags[key] ?? (fromEnv === '' ? undefined : fromEnv);
    if (value !== undefined) merged[key] = value;
  }
  const parsed = workerConfigSchema
    .refine((c) => c.source !== 'jetstream' || c.partitions !== undefined, { path: ['partitions'], message: 'the JetStream source needs the partition count the stream was created with (--partitions <P>)' })
    // a lease must be renewed several times per TTL, or a busy moment would hand the partition to another worker
    .refine((c) => c.leaseScanIntervalMs * 3 <= c.leaseTtlMs, { path: ['leaseScanIntervalMs'], message: 'must be at most a third of --lease-ttl-ms (renewal well inside the lease)' })
    // a stream has no identity of its own: two different streams stored under one name would skip each other's events
    .refine((c) => c.source !== 'ndjson' || c.input !== '-' || c.sourceName !== undefined, { path: ['sourceName'], message: 'reading stdin needs a stable name for its stored position (e.g. --source-name backfill-2026-11)' })
    .safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      const variable = ENVIRONMENT[key as keyof WorkerConfig];
      return variable ? `${key} (--${kebab(key)} / ${variable}): ${issue.message}` : issue.message;
    }));
  }
  const config = parsed.data;
  if (config.source === 'ndjson' && config.input !== '-' && config.sourceName === undefined) {
    const name = defaultSourceName(config.input);
    const length = [...name].length;
    if (length > MAX_SOURCE_NAME_LENGTH) {
      throw new ConfigError([
        `sourceName (--source-name / ${ENVIRONMENT.sourceName}): the default source name "file:<absolute path>" is ${length} characters, ` +
          `more than the ${MAX_SOURCE_NAME_LENGTH} a stored position may have; give this input a shorter stable name with --source-name`,
      ]);
    }
  }
  return config;
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
