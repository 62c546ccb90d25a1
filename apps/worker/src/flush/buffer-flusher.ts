import { DatabaseTimeoutError, GoalError, SourcePositionConflictError } from '@goals/domain';
import type { DeadLetter, GoalRepository, LedgeredGoalRepository, LeaseFence, SourcePositionMove } from '@goals/domain';
import { ProgressBuffer, type BufferEntry, type FlushBatch } from '../buffer/progress-buffer.js';
import type { Logger } from '../observability/logger.js';
import type { WorkerMetrics } from '../observability/metrics.js';
import { cappedText, DEAD_LETTER_PAYLOAD_CHARS } from '../dead-letters/source-dead-letter.js';
import { hash } from 'node:crypto';
import { classifyWriteFailure, FatalFlushError } from './database-error-kind.js';
import type { FlushSlots } from './flush-slots.js';

export interface FlushResult {
  rowsWritten: number;
  poisonRows: number;
  durationMs: number;
  attempts: number;
}

export interface FlusherOptions {
  repository: LedgeredGoalRepository;
  sourceName: string;
  /** The source's content fingerprint, stored with its positions (see sources/source-identity.ts). */
  fingerprint?: string | undefined;
  metrics: WorkerMetrics;
  logger: Logger;
  /** Retries of a transient failure stop when this signal aborts (the shutdown deadline). */
  giveUp: AbortSignal;
  /** Told when a flush starts or stops retrying (readiness), with the failure that made it retry. */
  onRetrying?: (retrying: boolean, failure?: unknown) => void;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A partition shared through leases: every position move is fenced on this lease (LeaseLostError when it is gone). */
  lease?: LeaseFence;
  /** Shared by the partitions of one worker: bounds how many flushes write at once. */
  slots?: FlushSlots;
}

/**
 * Writes one buffer — progress rows, dead letters and the source positions —
 * in ONE transaction, so the stored position never runs ahead of or behind
 * the progress it accounts for. That is the whole exactly-once argument: a
 * crash before COMMIT replays the buffer's records, a crash after it resumes
 * past them.
 *
 * Positions move by compare-and-set from the value this worker last
 * committed. That fences out a second consumer of the same source, and it
 * recognises the one ambiguous failure: COMMIT succeeded but its reply was
 * lost. The retry then finds the position already at the buffer's end, rolls
 * back its own (duplicate) writes and reports the flush as done.
 *
 * A data error does not block the partition: the entries are bisected with
 * trial transactions (rolled back) to find the rows the database refuses;
 * the rest commits with the offenders dead-lettered. Transient errors retry
 * the whole flush with exponential backoff until `giveUp` aborts.
 */
export class BufferFlusher {
  readonly #options: FlusherOptions;

  constructor(options: FlusherOptions) {
    this.#options = options;
  }

  /** `committed`: the positions this worker last committed (null = none stored yet); updated on success. */
  async flush(buffer: ProgressBuffer, committed: Map<string, bigint | null>): Promise<FlushResult> {
    const started = performance.now();
    const entries = [...buffer.entries()];
    const lease = this.#options.lease;
    const moves: SourcePositionMove[] = [...buffer.positions].map(([partition, to]) => {
      const move: SourcePositionMove = { source: this.#options.sourceName, partition, from: committed.get(partition) ?? null, to };
      const checkpoint = buffer.checkpoints.get(partition);
      if (checkpoint !== undefined) move.checkpoint = checkpoint;
      if (this.#options.fingerprint !== undefined) move.fingerprint = this.#options.fingerprint;
      if (lease !== undefined) move.lease = lease;
      return move;
    });
    const slots = this.#options.slots;
    let attempts = 0;
    let statementTimeouts = 0;
    let delay = this.#options.retryBaseMs ?? 100;
    try {
      for (;;) {
        attempts += 1;
        try {
          const result = slots === undefined ? await this.#writeIsolatingPoison(entries, buffer.deadLetters, moves) : await slots.run(() => this.#writeIsolatingPoison(entries, buffer.deadLetters, moves));
          return this.#done(result, moves, committed, started, attempts);
        } catch (error) {
          if (error instanceof SourcePositionConflictError && (await this.#committedEarlier(moves))) {
            this.#options.logger.warn({ attempt: attempts }, 'an earlier attempt of this flush committed (its reply was lost); not applying it twice');
            return this.#done({ batch: ProgressBuffer.toBatch(entries), deadLetters: buffer.deadLetters, poison: 0 }, moves, committed, started, attempts);
          }
          const kind = error instanceof FatalFlushError ? 'fatal' : classifyWriteFailure(error);
          if (kind === 'fatal') throw error instanceof FatalFlushError ? error : new FatalFlushError(`flush failed and cannot be retried: ${messageOf(error)}`, { cause: error });
          if (this.#options.giveUp.aborted) throw error;
          // the same buffer hits the same statement timeout again: retrying would loop forever
          statementTimeouts = isStatementTimeout(error) ? statementTimeouts + 1 : 0;
          if (statementTimeouts >= STATEMENT_TIMEOUTS_BEFORE_GIVING_UP) {
            throw new FatalFlushError(
              `a flush of ${entries.length} rows exceeded the database statement timeout ${statementTimeouts} times in a row: ` +
                'raise --db-statement-timeout-ms or lower --max-buffer-rows / --max-buffer-bytes',
              { cause: error },
            );
          }
          this.#options.onRetrying?.(true, error);
          this.#options.metrics.flushRetries.inc();
          this.#options.logger.warn({ err: error, attempt: attempts, retryInMs: delay }, 'flush failed; retrying (reading is paused)');
          await abortableDelay(delay, this.#options.giveUp);
          delay = Math.min(delay * 2, this.#options.retryMaxMs ?? 5_000);
        }
      }
    } finally {
      this.#options.onRetrying?.(false);
    }
  }

  #done(
    result: { batch: FlushBatch; deadLetters: readonly DeadLetter[]; poison: number },
    moves: readonly SourcePositionMove[],
    committed: Map<string, bigint | null>,
    started: number,
    attempts: number,
  ): FlushResult {
    for (const move of moves) committed.set(move.partition, move.to);
    const durationMs = performance.now() - started;
    this.#record(result.batch, result.deadLetters, moves, durationMs);
    return { rowsWritten: result.batch.absolute.length + result.batch.increments.length + result.batch.dailyCompletions.length, poisonRows: result.poison, durationMs, attempts };
  }

  /** After a position conflict: did an earlier attempt of this very flush commit? */
  async #committedEarlier(moves: readonly SourcePositionMove[]): Promise<boolean> {
    const stored = new Map((await this.#options.repository.loadSourcePositions(this.#options.sourceName)).map((p) => [p.partition, p.position]));
    return moves.every((move) => stored.get(move.partition) === move.to);
  }

  async #writeIsolatingPoison(entries: BufferEntry[], deadLetters: readonly DeadLetter[], moves: readonly SourcePositionMove[]) {
    const batch = ProgressBuffer.toBatch(entries);
    try {
      await this.#write(batch, deadLetters, moves);
      return { batch, deadLetters, poison: 0 };
    } catch (error) {
      if (classifyWriteFailure(error) !== 'data') throw error;
      this.#options.logger.warn({ err: error, rows: entries.length }, 'the database refused the batch; isolating the offending rows');
    }
    const refused = await this.#findRefused(entries);
    const refusedSet = new Set(refused.map((r) => r.entry));
    const accepted = entries.filter((entry) => !refusedSet.has(entry));
    const poisonLetters: DeadLetter[] = refused.map(({ entry, error }) => {
      const write = describeWrite(entry);
      return {
        source: this.#options.sourceName,
        partition: entry.partition,
        position: entry.position,
        goalId: entry.goalId,
        eventId: null,
        payload: cappedText(write, DEAD_LETTER_PAYLOAD_CHARS),
        reason: cappedText(messageOf(error), DEAD_LETTER_PAYLOAD_CHARS),
        errorCode: 'WRITE_REFUSED',
        payloadBytes: Buffer.byteLength(write),
        payloadSha256: hash('sha256', write, 'hex'),
      };
    });
    const acceptedBatch = ProgressBuffer.toBatch(accepted);
    const allLetters = [...deadLetters, ...poisonLetters];
    try {
      await this.#write(acceptedBatch, allLetters, moves);
    } catch (error) {
      // the rows were isolated, so a data error now comes from the dead letters or positions: retrying would loop
      if (classifyWriteFailure(error) === 'data') throw new FatalFlushError(`the database refused a flush even after isolating refused rows: ${messageOf(error)}`, { cause: error });
      throw error;
    }
    for (const { entry, error } of refused) {
      this.#options.logger.error({ userId: entry.userId, goalId: entry.goalId, err: error }, 'row refused by the database; dead-lettered');
    }
    return { batch: acceptedBatch, deadLetters: allLetters, poison: refused.length };
  }

  /** Bisection with rolled-back trial transactions: O(k log n) trials for k offenders. */
  async #findRefused(entries: BufferEntry[]): Promise<{ entry: BufferEntry; error: unknown }[]> {
    if (entries.length === 0) return [];
    const error = await this.#trial(entries);
    if (error === null) return [];
    if (entries.length === 1) {
      const [entry] = entries;
      return entry === undefined ? [] : [{ entry, error }];
    }
    const middle = Math.ceil(entries.length / 2);
    return [...(await this.#findRefused(entries.slice(0, middle))), ...(await this.#findRefused(entries.slice(middle)))];
  }

  async #trial(entries: BufferEntry[]): Promise<unknown> {
    const tx = await this.#options.repository.beginTx();
    try {
      await writeBatch(tx, ProgressBuffer.toBatch(entries));
      return null;
    } catch (error) {
      if (classifyWriteFailure(error) !== 'data') throw error;
      return error;
    } finally {
      await tx.rollback();
    }
  }

  async #write(batch: FlushBatch, deadLetters: readonly DeadLetter[], moves: readonly SourcePositionMove[]): Promise<void> {
    await this.#options.repository.withTransaction(async (tx) => {
      await writeBatch(tx, batch);
      await tx.recordDeadLetters(deadLetters);
      for (const move of moves) await tx.advanceSourcePosition(move);
    });
  }

  #record(batch: FlushBatch, deadLetters: readonly DeadLetter[], moves: readonly SourcePositionMove[], durationMs: number): void {
    const { metrics } = this.#options;
    metrics.flushDuration.observe(durationMs / 1000);
    metrics.rowsWritten.inc({ kind: 'absolute' }, batch.absolute.length);
    metrics.rowsWritten.inc({ kind: 'increment' }, batch.increments.length);
    metrics.rowsWritten.inc({ kind: 'daily' }, batch.dailyCompletions.length);
    for (const letter of deadLetters) metrics.deadLetters.inc({ code: letter.errorCode });
    for (const move of moves) metrics.sourcePosition.set({ partition: move.partition }, Number(move.to));
  }
}

/** Consecutive statement timeouts of one flush after which it is not retried again. */
const STATEMENT_TIMEOUTS_BEFORE_GIVING_UP = 3;

function isStatementTimeout(error: unknown): boolean {
  return error instanceof DatabaseTimeoutError && error.timeout === 'statement';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The refused write as JSON (what would have been written, with the last source position that touched it). */
function describeWrite(entry: BufferEntry): string {
  const batch = ProgressBuffer.toBatch([entry]);
  const rows = [...batch.absolute, ...batch.increments, ...batch.dailyCompletions].map((row) => {
    const { partition: _partition, position: _position, laterDays: _laterDays, tail: _tail, ...fields } = row as typeof row & { partition?: unknown; position?: unknown; laterDays?: unknown; tail?: unknown };
    return fields;
  });
  return JSON.stringify({ kind: entry.kind, partition: entry.partition, position: entry.position.toString(), rows });
}

async function writeBatch(repository: GoalRepository, batch: FlushBatch): Promise<void> {
  // absolute, increment and daily rows never share a key (a goal has one type), so order is free
  await repository.batchApplyAbsolute(batch.absolute);
  await repository.batchIncrementProgress(batch.increments);
  await repository.batchCompleteDaily(batch.dailyCompletions);
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
