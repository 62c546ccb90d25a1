import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CatalogueIndex } from '@goals/domain';
import { createGoalRepository, type DatabaseTimeouts, type LedgeredGoalRepository } from '@goals/prisma-repo';
import { pino } from 'pino';
import { DEFAULT_MAX_BUFFER_BYTES, GoalWorker, type RunSummary } from '../../src/goal-worker.js';
import { WorkerMetrics } from '../../src/observability/metrics.js';
import type { EventSourceReader } from '../../src/sources/event-source.js';
import { NdjsonSource } from '../../src/sources/ndjson-source.js';

export function writeLines(lines: readonly string[], name = 'events.ndjson'): string {
  const path = join(mkdtempSync(join(tmpdir(), 'goals-worker-')), name);
  writeFileSync(path, lines.map((l) => `${l}\n`).join(''));
  return path;
}

export interface InProcessRun {
  worker: GoalWorker;
  metrics: WorkerMetrics;
  repository: LedgeredGoalRepository;
  done: Promise<RunSummary>;
}

export function startWorker(options: {
  databaseUrl: string;
  catalogue: CatalogueIndex;
  source?: EventSourceReader;
  path?: string;
  maxBufferRows?: number;
  maxBufferBytes?: number;
  newReplay?: boolean;
  stallAfterMs?: number;
  timeouts?: Partial<DatabaseTimeouts>;
  flushIntervalMs?: number;
  shutdownDeadlineMs?: number;
}): InProcessRun {
  const repository = createGoalRepository({ connectionString: options.databaseUrl, ...(options.timeouts === undefined ? {} : { timeouts: options.timeouts }) });
  const metrics = new WorkerMetrics({ defaultMetrics: false });
  const source = options.source ?? NdjsonSource.fromFile(options.path ?? '', 'test-log');
  const worker = new GoalWorker({
    source,
    catalogue: options.catalogue,
    repository,
    metrics,
    logger: pino({ level: 'silent' }),
    budget: { maxRows: options.maxBufferRows ?? 1_000, maxBytes: options.maxBufferBytes ?? DEFAULT_MAX_BUFFER_BYTES },
    ...(options.newReplay === undefined ? {} : { newReplay: options.newReplay }),
    ...(options.stallAfterMs === undefined ? {} : { stallAfterMs: options.stallAfterMs }),
    flushIntervalMs: options.flushIntervalMs ?? 60_000,
    shutdownDeadlineMs: options.shutdownDeadlineMs ?? 10_000,
  });
  const done = worker.run().finally(() => repository.close());
  return { worker, metrics, repository, done };
}
