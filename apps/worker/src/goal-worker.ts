import { eventImpact, parseGameEventLine, type AgsEventName, type CatalogueIndex, type EventParseOptions } from '@goals/domain';
import type { LedgeredGoalRepository, LeaseFence } from '@goals/domain';
import { ProgressBuffer } from './buffer/progress-buffer.js';
import { sourceDeadLetter } from './dead-letters/source-dead-letter.js';
import { BufferFlusher } from './flush/buffer-flusher.js';
import type { Readiness } from '@goals/runtime';
import type { FlushSlots } from './flush/flush-slots.js';
import type { Logger } from './observability/logger.js';
import type { EventOutcome, WorkerMetrics } from './observability/metrics.js';
import type { EventSourceReader, SourceRecord } from './sources/event-source.js';
import { checkSourceIdentity } from './sources/source-identity.js';

/**
 * How much one buffer may hold before reading pauses. A plain object the
 * owner may update between records: a partitioned worker splits its
 * process-wide bound between the partitions it holds now.
 */
export interface BufferBudget {
  /** Rows (distinct user × goal, plus extra days) plus dead letters. */
  maxRows: number;
  /** Estimated heap bytes (ProgressBuffer.bytes). */
  maxBytes: number;
}

export interface GoalWorkerOptions {
  source: EventSourceReader;
  catalogue: CatalogueIndex;
  repository: LedgeredGoalRepository;
  metrics: WorkerMetrics;
  logger: Logger;
  budget: BufferBudget;
  /** Consume content already consumed under another source name (a deliberate second replay). */
  newReplay?: boolean;
  /** A non-empty buffer is flushed at least this often. */
  flushIntervalMs: number;
  /** After `stop()`, the final flush must commit within this many ms, or `run()` rejects. */
  shutdownDeadlineMs: number;
  /** A flush in flight for longer than this makes the worker not ready (/readyz 503: progress stalled). Default 30 s. */
  stallAfterMs?: number;
  /** One partition of a shared source: flushes are fenced on this lease. */
  lease?: LeaseFence;
  /** Shared with the other partitions of the process: how many flushes write at once. */
  flushSlots?: FlushSlots;
  /** The AGS event kind of a source that carries only one (its records may then leave out `name`). */
  defaultEventKind?: AgsEventName;
}

/** A flush normally takes about a second; one in flight for 30 s means progress has stalled. */
export const DEFAULT_STALL_AFTER_MS = 30_000;

/** 32 MiB per buffer, two buffers: well inside the bin's 192 MB heap with the rest of the process. */
export const DEFAULT_MAX_BUFFER_BYTES = 32 * 1024 * 1024;

export interface RunSummary {
  stoppedBy: 'end_of_source' | 'stop';
  events: Record<EventOutcome, number>;
  flushes: number;
  rowsWritten: number;
  poisonRows: number;
  /** Attempts of flushes that failed transiently and were retried (a database restart, a timeout). */
  flushRetries: number;
  durationMs: number;
  eventsPerSecond: number;
  flushMs: { p50: number; p99: number; max: number };
}

/**
 * The worker's life, one mode at a time (`#mode`, changed only through
 * `#setMode(from, to)`, which throws on any other transition):
 *
 *   starting ──(positions loaded, identity checked)──► reading
 *   starting ──stop()──► draining            (stopped before it read anything)
 *   reading ──stop() / end of source──► draining ──(final flush committed)──► stopped
 *   (stop() while draining after the end of the source only arms the deadline)
 *   starting / reading / draining ──(a flush or the source failed, the deadline passed)──► failed
 *
 * reading: records go into the current buffer; when it reaches its budget the
 * worker waits for the flush in flight, hands the full buffer over (sealed
 * once: entries, writes, position moves) and reads on into a fresh one, so at
 * most two buffers exist (memory is bounded; reading pauses while both are
 * busy: backpressure). A timer flushes a non-empty buffer every
 * `flushIntervalMs`. Flushes run one at a time in source order, and the
 * worker alone applies the positions each one committed, so the
 * compare-and-set base only moves forward. draining: the final flush commits
 * everything read, or `run()` rejects once `shutdownDeadlineMs` passed after
 * `stop()` (nothing is lost either way: uncommitted records are read again on
 * the next start). Two signals carry mode changes to code that is waiting:
 * `#readingEnded` wakes a read blocked on an idle source, `#deadline` ends the
 * flusher's retries.
 */
export class GoalWorker {
  readonly #parseOptions: EventParseOptions;
  readonly #options: GoalWorkerOptions;
  readonly #readingEnded = new AbortController();
  readonly #deadline = new AbortController();
  readonly #flusher: BufferFlusher;
  readonly #counts: Record<EventOutcome, number> = { applied: 0, ignored: 0, dead_lettered: 0 };
  readonly #flushDurations: number[] = [];
  #mode: WorkerMode = 'starting';
  #stoppedBy: RunSummary['stoppedBy'] = 'end_of_source';
  /** Armed by stop(): the final flush's deadline. */
  #deadlineTimer: NodeJS.Timeout | null = null;
  #failure: unknown = null;
  #rowsWritten = 0;
  #poisonRows = 0;
  #flushRetries = 0;
  #buffer = new ProgressBuffer();
  #inFlight: Promise<void> | null = null;
  #retrying: unknown = null;
  #flushStartedAt: number | null = null;
  /** Positions this worker last committed, per partition (null = none stored): the compare-and-set base. Only this class writes it. */
  readonly #committed = new Map<string, bigint | null>();
  readonly #fingerprint: string | undefined;

  constructor(options: GoalWorkerOptions) {
    this.#parseOptions = options.defaultEventKind === undefined ? {} : { sourceKind: options.defaultEventKind };
    this.#options = options;
    this.#fingerprint = options.source.fingerprint?.();
    this.#flusher = new BufferFlusher({
      repository: options.repository,
      sourceName: options.source.name,
      metrics: options.metrics,
      logger: options.logger,
      giveUp: this.#deadline.signal,
      lease: options.lease,
      slots: options.flushSlots,
      onRetrying: (retrying, failure) => {
        this.#retrying = retrying ? (failure ?? 'unknown failure') : null;
      },
    });
  }

  get mode(): WorkerMode {
    return this.#mode;
  }

  /** True while reading and flushing normally (for /readyz); false during start-up, retries, a stalled flush and shutdown. */
  get ready(): boolean {
    return this.readiness.ready;
  }

  /** Readiness with its reason (the /readyz body). */
  get readiness(): Readiness {
    if (this.#mode !== 'reading') return { ready: false, reason: this.#deadlineTimer !== null || this.#mode === 'failed' ? 'stopping' : 'not reading (starting, or finished)' };
    if (this.#retrying !== null) {
      return { ready: false, reason: `flush failed, retrying: ${this.#retrying instanceof Error ? this.#retrying.message : String(this.#retrying)}` };
    }
    const stallAfterMs = this.#options.stallAfterMs ?? DEFAULT_STALL_AFTER_MS;
    if (this.#flushStartedAt !== null && performance.now() - this.#flushStartedAt > stallAfterMs) {
      return { ready: false, reason: `progress stalled: a flush has been in flight for ${Math.round((performance.now() - this.#flushStartedAt) / 1000)} s (more than ${stallAfterMs} ms)` };
    }
    return { ready: true, reason: 'ready' };
  }

  /** Records read so far, by outcome (a run that failed included). */
  get eventCounts(): Readonly<Record<EventOutcome, number>> {
    return { ...this.#counts };
  }

  /** Stop reading; `run()` then flushes what it holds and resolves, or rejects once the deadline passed. */
  stop(): void {
    if (this.#deadlineTimer !== null || this.#mode === 'stopped' || this.#mode === 'failed') return;
    if (this.#mode === 'starting' || this.#mode === 'reading') {
      this.#stoppedBy = 'stop';
      this.#setMode(this.#mode, 'draining');
    }
    // also when the source had ended already: the final flush in progress gets the deadline too
    this.#options.logger.info({ deadlineMs: this.#options.shutdownDeadlineMs }, 'stopping: final flush');
    this.#deadlineTimer = setTimeout(() => this.#deadline.abort(new Error(`final flush did not commit within ${this.#options.shutdownDeadlineMs} ms`)), this.#options.shutdownDeadlineMs).unref();
  }

  async run(): Promise<RunSummary> {
    const { source, logger, repository, flushIntervalMs } = this.#options;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    let iterator: AsyncIterator<SourceRecord[]> | undefined;
    try {
      const stored = await repository.loadSourcePositions(source.name);
      await checkSourceIdentity({ sourceName: source.name, stored, fingerprint: this.#fingerprint, repository, newReplay: this.#options.newReplay ?? false });
      for (const p of stored) this.#committed.set(p.partition, p.position);
      const resumeAt = new Map(stored.map((p) => [p.partition, p.position]));
      const checkpoints = new Map(stored.flatMap((p) => (p.checkpoint === undefined ? [] : [[p.partition, p.checkpoint] as const])));
      logger.info({ source: source.name, resumeAt: Object.fromEntries([...resumeAt].map(([k, v]) => [k, v.toString()])) }, 'worker started');
      timer = setInterval(() => {
        if (this.#inFlight === null && this.#buffer.recordCount > 0) this.#flushCurrent().catch(() => undefined);
      }, flushIntervalMs);
      iterator = source.read(resumeAt, checkpoints)[Symbol.asyncIterator]();
      // stop() may have come while the positions were loading: then nothing is read
      if (this.#isMode('starting')) {
        this.#setMode('starting', 'reading');
        await this.#readUntilStopped(iterator);
      }
      this.#throwIfFailed();
      await raceDeadline(this.#flushCurrent(), this.#deadline.signal);
      if (this.#inFlight !== null) await raceDeadline(this.#inFlight, this.#deadline.signal);
      this.#throwIfFailed();
      this.#setMode('draining', 'stopped');
    } catch (error) {
      this.#fail(error);
      throw this.#failure;
    } finally {
      clearInterval(timer);
      // ends the source's read loop and closes its stream; a read blocked on an idle stream is not awaited
      void iterator?.return?.().catch(() => undefined);
    }
    const durationMs = performance.now() - started;
    const total = this.#counts.applied + this.#counts.ignored + this.#counts.dead_lettered;
    const summary: RunSummary = {
      stoppedBy: this.#stoppedBy,
      events: { ...this.#counts },
      flushes: this.#flushDurations.length,
      rowsWritten: this.#rowsWritten,
      poisonRows: this.#poisonRows,
      flushRetries: this.#flushRetries,
      durationMs: Math.round(durationMs),
      eventsPerSecond: Math.round((total / durationMs) * 1000),
      flushMs: percentiles(this.#flushDurations),
    };
    const tail = source.unfinishedTail ?? 0;
    if (tail > 0) logger.warn({ bytes: tail }, 'the last line has no newline and is not complete JSON: left for the next run (is the file still being written?)');
    logger.info({ summary }, 'worker finished');
    return summary;
  }

  /** reading: until the source ends (→ draining) or the mode left reading (stop() or a failed flush). */
  async #readUntilStopped(iterator: AsyncIterator<SourceRecord[]>): Promise<void> {
    const { source, metrics, budget } = this.#options;
    for (;;) {
      const next = await nextUnlessStopped(iterator, this.#readingEnded.signal);
      if (next === 'stopped') return;
      if (next.done === true) {
        this.#setMode('reading', 'draining');
        return;
      }
      this.#throwIfFailed();
      for (const record of next.value) {
        // stop at a record boundary: the rest of the chunk is read again on the next start
        if (!this.#isMode('reading')) return;
        this.#bufferRecord(record);
        if (this.#buffer.size >= budget.maxRows || this.#buffer.bytes >= budget.maxBytes) {
          // backpressure: no third buffer; wait for the flush in flight before handing this one over
          if (this.#inFlight !== null) await this.#inFlight;
          this.#throwIfFailed();
          void this.#flushCurrent().catch(() => undefined);
        }
      }
      metrics.bufferRows.set(this.#buffer.size);
      const lag = source.lag();
      if (lag !== undefined) metrics.sourceLag.set(lag);
    }
  }

  #bufferRecord(record: SourceRecord): void {
    const buffer = this.#buffer;
    buffer.advance(record.partition, record.position, record.checkpoint);
    if (record.oversizedBytes !== undefined) {
      return this.#deadLetter(record, null, `line of ${record.oversizedBytes} bytes exceeds the source's line limit; only its beginning is kept`, 'OVERSIZED_EVENT');
    }
    if (record.invalidUtf8 === true) {
      // decoding would turn different byte strings into one id (U+FFFD): two players would merge
      return this.#deadLetter(record, null, 'not valid UTF-8: the line is stored decoded with U+FFFD for the bad bytes; payloadSha256 is of the bytes received', 'MALFORMED_EVENT');
    }
    if (record.payload.trim() === '') return this.#count('ignored');
    const parsed = parseGameEventLine(record.payload, this.#parseOptions);
    if (!parsed.ok) return this.#deadLetter(record, eventIdOf(record.payload), parsed.reason, 'MALFORMED_EVENT');
    const result = eventImpact(this.#options.catalogue, parsed.event);
    if (result.outcome === 'ignored') return this.#count('ignored');
    buffer.addImpact(result.impact, record.partition, record.position);
    this.#count('applied');
  }

  /** A whole record the rules cannot use: stored with its reason, in the same flush as its position. */
  #deadLetter(record: SourceRecord, eventId: string | null, reason: string, errorCode: string): void {
    this.#buffer.addDeadLetter(sourceDeadLetter(this.#options.source.name, record, eventId, reason, errorCode));
    this.#count('dead_lettered');
  }

  #count(outcome: EventOutcome): void {
    this.#counts[outcome] += 1;
    this.#options.metrics.events.inc({ outcome });
  }

  /** Hands the current buffer to the flusher, after the flush in flight (order = source order). */
  #flushCurrent(): Promise<void> {
    // after a failed flush nothing later may commit: its positions would skip the failed records
    if (this.#failure !== null) return Promise.reject(this.#failure);
    const previous = this.#inFlight ?? Promise.resolve();
    if (this.#buffer.recordCount === 0) return previous;
    const full = this.#buffer;
    this.#buffer = new ProgressBuffer();
    const flush = previous.then(async () => {
      // sealed now, not at hand-over: the moves start from what the previous flush committed
      const sealed = full.seal({ source: this.#options.source.name, committed: this.#committed, fingerprint: this.#fingerprint });
      this.#flushStartedAt = performance.now();
      const result = await this.#flusher.flush(sealed).finally(() => {
        this.#flushStartedAt = null;
      });
      for (const [partition, position] of result.committed) this.#committed.set(partition, position);
      this.#flushDurations.push(result.durationMs);
      this.#rowsWritten += result.rowsWritten;
      this.#poisonRows += result.poisonRows;
      this.#flushRetries += result.attempts - 1;
      this.#options.logger.debug({ rows: result.rowsWritten, records: sealed.recordCount, ms: Math.round(result.durationMs) }, 'flushed');
    });
    const tracked = flush.then(
      () => {
        if (this.#inFlight === tracked) this.#inFlight = null;
      },
      (error: unknown) => {
        this.#fail(error);
        if (this.#inFlight === tracked) this.#inFlight = null;
        throw error;
      },
    );
    this.#inFlight = tracked;
    return tracked;
  }

  /** Any mode but stopped → failed, keeping the first failure (later ones are its consequences). */
  #fail(error: unknown): void {
    this.#failure ??= error;
    if (this.#mode !== 'failed' && this.#mode !== 'stopped') this.#setMode(this.#mode, 'failed');
  }

  #throwIfFailed(): void {
    if (this.#failure !== null) throw this.#failure;
  }

  /** Read through a method: stop() and a failing flush change the mode while run() awaits, which narrowing cannot see. */
  #isMode(mode: WorkerMode): boolean {
    return this.#mode === mode;
  }

  #setMode(from: WorkerMode, to: WorkerMode): void {
    if (this.#mode !== from || !WORKER_TRANSITIONS[from].includes(to)) {
      throw new Error(`GoalWorker: illegal transition ${from} → ${to} (mode is ${this.#mode})`);
    }
    this.#mode = to;
    // leaving reading for any reason wakes a read blocked on an idle source
    if (from === 'reading' || to === 'draining' || to === 'failed') this.#readingEnded.abort();
  }
}

export type WorkerMode = 'starting' | 'reading' | 'draining' | 'stopped' | 'failed';

const WORKER_TRANSITIONS: Record<WorkerMode, readonly WorkerMode[]> = {
  starting: ['reading', 'draining', 'failed'],
  reading: ['draining', 'failed'],
  draining: ['stopped', 'failed'],
  stopped: [],
  failed: [],
};

/**
 * The next chunk, or 'stopped' once `signal` aborts (already aborted included).
 * One listener per call, removed after: a listener on a long-lived promise
 * would keep every chunk reachable for the whole run.
 */
async function nextUnlessStopped<T>(iterator: AsyncIterator<T>, signal: AbortSignal): Promise<IteratorResult<T> | 'stopped'> {
  if (signal.aborted) return 'stopped';
  let onAbort: (() => void) | undefined;
  const stopped = new Promise<'stopped'>((resolve) => {
    onAbort = () => resolve('stopped');
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([iterator.next(), stopped]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}

/** Rejects with the signal's reason once it aborts (the shutdown deadline), whatever `work` is waiting on. */
async function raceDeadline<T>(work: Promise<T>, deadline: AbortSignal): Promise<T> {
  if (deadline.aborted) throw deadline.reason;
  let onAbort: (() => void) | undefined;
  const expired = new Promise<never>((_, reject) => {
    onAbort = () => reject(deadline.reason);
    deadline.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    if (onAbort !== undefined) deadline.removeEventListener('abort', onAbort);
  }
}

function eventIdOf(payload: string): string | null {
  try {
    const value: unknown = JSON.parse(payload);
    if (typeof value === 'object' && value !== null && 'id' in value && typeof value.id === 'string') return value.id;
  } catch {
    // not JSON: the dead letter keeps the raw payload
  }
  return null;
}

function percentiles(values: readonly number[]): RunSummary['flushMs'] {
  if (values.length === 0) return { p50: 0, p99: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  return { p50: at(0.5), p99: at(0.99), max: Math.round(sorted[sorted.length - 1] ?? 0) };
}
