import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { startDatabase } from '@goals/database';
import { connectToNats, ensureEventStream, EVENT_STREAM_NAME } from '@goals/event-stream';
import { createGoalRepository, createPool } from '@goals/prisma-repo';
import { ShutdownSignals } from '@goals/runtime';
import { defaultSourceName, type WorkerConfig } from './config/worker-config.js';
import { loadCatalogueFile } from './config/catalogue-file.js';
import { GoalWorker, type RunSummary } from './goal-worker.js';
import { ObservabilityServer } from '@goals/runtime';
import { createLogger } from './observability/logger.js';
import { WorkerMetrics } from './observability/metrics.js';
import { SourceOwnership } from './ownership/source-ownership.js';
import { PartitionedWorker, type PartitionedRunSummary } from './partitions/partitioned-worker.js';
import { NdjsonSource } from './sources/ndjson-source.js';

export interface RunWorkerOptions {
  /** Where `--input -` reads from. */
  stdin?: Readable;
  /** SIGTERM/SIGINT stop reading and flush (default true). */
  handleSignals?: boolean;
  /** Metrics to fill (default: a fresh registry); lets an embedding program watch progress. */
  metrics?: WorkerMetrics;
  /** Called before reading starts, with the port /metrics listens on. */
  onStarted?: (info: { metricsPort: number; databaseUrl: string }) => void;
}

/**
 * Wires a worker from its configuration: catalogue, database (DATABASE_URL
 * or the embedded one), repository, NDJSON source, metrics server, signals.
 * Resolves with the run summary once the source ends or a signal stopped it
 * and the final flush committed.
 */
export async function runWorker(config: WorkerConfig, options: RunWorkerOptions = {}): Promise<RunSummary> {
  if (config.source === 'jetstream') throw new Error('runWorker runs the NDJSON source; use runJetStreamWorker for --source jetstream');
  const logger = createLogger(config.logLevel);
  const catalogue = await loadCatalogueFile(config.catalogue);
  const stdin = options.stdin ?? process.stdin;
  // the source first: a mistyped path must fail before an embedded server is started
  const source =
    config.input === '-'
      ? NdjsonSource.fromStream(stdin, config.sourceName ?? 'stdin')
      : NdjsonSource.fromFile(resolve(config.input), config.sourceName ?? defaultSourceName(config.input));
  const database = await startDatabase({ databaseUrl: config.databaseUrl, log: (line: string) => logger.info(line) });
  const repository = createGoalRepository({
    connectionString: database.url,
    timeouts: { connectMs: config.dbConnectTimeoutMs, statementMs: config.dbStatementTimeoutMs, lockMs: config.dbLockTimeoutMs, noAnswerMs: config.dbNoAnswerTimeoutMs },
  });
  const metrics = options.metrics ?? new WorkerMetrics();
  const worker = new GoalWorker({
    source,
    catalogue,
    repository,
    metrics,
    logger,
    budget: { maxRows: config.maxBufferRows, maxBytes: config.maxBufferBytes },
    newReplay: config.newReplay,
    flushIntervalMs: config.flushIntervalMs,
    shutdownDeadlineMs: config.shutdownDeadlineMs,
    stallAfterMs: config.stallAfterMs,
    defaultEventKind: config.defaultEventKind,
  });
  // one owner per source (and per file content): a second worker started at the same instant stops here
  const fingerprint = source.fingerprint();
  const ownedNames = [`source ${source.name}`, ...(fingerprint === undefined || config.newReplay ? [] : [`the content ${fingerprint}`])];
  let ownershipLost: Error | undefined;
  let ownership: SourceOwnership;
  try {
    ownership = await SourceOwnership.acquire(database.url, ownedNames, logger, (error) => {
      ownershipLost = error;
      logger.error({ err: error }, 'another worker took the source while this one was reconnecting; stopping');
      worker.stop();
    });
  } catch (error) {
    await repository.close();
    await database.stop();
    throw error;
  }
  const server = new ObservabilityServer(metrics, () => worker.readiness, { requestTimeoutMs: config.httpRequestTimeoutMs, keepAliveTimeoutMs: config.httpKeepAliveMs });
  const signals = new ShutdownSignals({ log: logger, onFirstSignal: () => worker.stop(), deadlineMs: config.shutdownDeadlineMs, install: options.handleSignals ?? true, work: 'the final flush' });
  try {
    const metricsPort = await server.listen(config.metricsPort, config.metricsHost);
    logger.info({ metricsPort, endpoints: ['/metrics', '/healthz', '/readyz'] }, 'observability server listening');
    options.onStarted?.({ metricsPort, databaseUrl: database.url });
    const summary = await worker.run();
    if (ownershipLost !== undefined) throw ownershipLost;
    return summary;
  } finally {
    signals.dispose();
    // a stopped stdin read would otherwise keep the process alive
    if (config.input === '-') stdin.destroy();
    await server.close();
    await ownership.release();
    await repository.close();
    await database.stop();
    logger.flush();
  }
}

/**
 * The JetStream source: connect to NATS, set the stream up (or check it has
 * this partition count), then run a PartitionedWorker until a signal. The
 * process ends only by a signal or a fatal error; a NATS restart is waited
 * out (the client reconnects forever).
 */
export async function runJetStreamWorker(config: WorkerConfig, options: RunWorkerOptions = {}): Promise<PartitionedRunSummary> {
  const logger = createLogger(config.logLevel);
  const catalogue = await loadCatalogueFile(config.catalogue);
  const partitions = config.partitions;
  if (partitions === undefined) throw new Error('unreachable: the configuration requires --partitions with --source jetstream');
  const connection = await connectToNats({ servers: config.natsServers, name: `goals-worker ${config.workerId ?? hostname()}` });
  // an object, not a let: the signal handler and the status loop read it after awaits
  const shutdown = { started: false };
  const closeConnection = () => connection.close().catch(() => undefined);
  const metrics = options.metrics ?? new WorkerMetrics();
  try {
    void (async () => {
      for await (const status of connection.status()) {
        if (status.type === 'reconnect') metrics.natsReconnects.inc();
        if (status.type === 'disconnect' || status.type === 'reconnect') logger.warn({ nats: status.type, server: 'server' in status ? status.server : undefined }, shutdown.started ? 'NATS status during shutdown' : `NATS ${status.type}`);
      }
    })();
    const { created, layout } = await ensureEventStream(connection, { partitions });
    logger.info({ stream: EVENT_STREAM_NAME, created, partitions: layout.partitions, lastSequence: layout.lastSequence }, created ? 'event stream created' : 'event stream checked');
    const database = await startDatabase({ databaseUrl: config.databaseUrl, log: (line: string) => logger.info(line) });
    // a flush holds one connection per partition in flight; reads of positions and lags need one more
    const repository = createGoalRepository({
      connectionString: database.url,
      poolOptions: { max: config.flushConcurrency + 2 },
      timeouts: { connectMs: config.dbConnectTimeoutMs, statementMs: config.dbStatementTimeoutMs, lockMs: config.dbLockTimeoutMs, noAnswerMs: config.dbNoAnswerTimeoutMs },
    });
    const leaseDatabase = createPool(database.url, { max: 2 });
    const worker = new PartitionedWorker({
      connection,
      partitions,
      sourceName: config.sourceName ?? `jetstream:${EVENT_STREAM_NAME}`,
      workerId: config.workerId ?? `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
      catalogue,
      repository,
      leaseDatabase,
      metrics,
      logger,
      maxBufferRows: config.maxBufferRows,
      maxBufferBytes: config.maxBufferBytes,
      stallAfterMs: config.stallAfterMs,
      defaultEventKind: config.defaultEventKind,
      flushIntervalMs: config.flushIntervalMs,
      shutdownDeadlineMs: config.shutdownDeadlineMs,
      flushConcurrency: config.flushConcurrency,
      leaseTtlMs: config.leaseTtlMs,
      leaseScanIntervalMs: config.leaseScanIntervalMs,
    });
    const server = new ObservabilityServer(metrics, () => worker.readiness, { requestTimeoutMs: config.httpRequestTimeoutMs, keepAliveTimeoutMs: config.httpKeepAliveMs });
    const signals = new ShutdownSignals({
      log: logger,
      onFirstSignal: () => {
        shutdown.started = true;
        worker.stop();
      },
      deadlineMs: config.shutdownDeadlineMs,
      install: options.handleSignals ?? true,
      work: 'the final flush',
    });
    try {
      const metricsPort = await server.listen(config.metricsPort, config.metricsHost);
      logger.info({ metricsPort, endpoints: ['/metrics', '/healthz', '/readyz'] }, 'observability server listening');
      options.onStarted?.({ metricsPort, databaseUrl: database.url });
      return await worker.run();
    } finally {
      signals.dispose();
      await server.close();
      await repository.close();
      await leaseDatabase.end();
      await database.stop();
    }
  } finally {
    shutdown.started = true;
    await closeConnection();
    logger.flush();
  }
}
