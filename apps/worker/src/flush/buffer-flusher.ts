import { hash } from 'node:crypto';
import { DatabaseTimeoutError, GoalError, SourcePositionConflictError } from '@goals/domain';
import type { DeadLetter, LedgeredGoalRepository, LeaseFence, SourcePositionMove } from '@goals/domain';
import { backoffDelayMs, sleep } from '@goals/runtime';
import { ProgressBuffer, type BufferEntry, type FlushBatch, type SealedBuffer } from '../buffer/progress-buffer.js';
import type { Logger } from '../observability/logger.js';
import type { WorkerMetrics } from '../observability/metrics.js';
import { cappedText, DEAD_LETTER_PAYLOAD_CHARS } from '../dead-letters/source-dead-letter.js';
import { classifyWriteFailure, FatalFlushError } from './database-error-kind.js';
import type { FlushSlots } from './flush-slots.js';
import { commitFlushTransaction, writeProgressRows, type FlushRows } from './flush-transaction.js';

export interface FlushResult {
  /** The positions this flush committed, per partition: the caller's next compare-and-set base. */
  committed: ReadonlyMap<string, bigint>;
  rowsWritten: number;
  poisonRows: number;
  durationMs: number;
  attempts: number;
}

export interface FlusherOptions {
  repository: LedgeredGoalRepository;
  sourceName: string;
  metrics: WorkerMetrics;
  logger: Logger;
  /** Retries of a transient failure stop when this signal aborts (the shutdown deadline). */
  giveUp: AbortSignal;
  /** Told when a flush starts or stops retrying (readiness), with the failure that made it retry. */
  onRetrying?: (retrying: boolean, failure?: unknown) => void;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** A partition shared through leases: every flush is fenced on this lease (LeaseLostError when it is gone). */
  lease?: LeaseFence;
  /** Shared by the partitions of one worker: bounds how many flushes write at once. */
  slots?: FlushSlots;
}

/** What one transaction writes: the sealed buffer's rows and moves, or after poison isolation the accepted rows. */
interface FlushWrite {
  batch: FlushBatch;
  deadLetters: readonly DeadLetter[];
  poison: number;
}

/**
 * Writes one sealed buffer — progress rows, dead letters and the source
 * positions — in ONE transaction, so the stored position never runs ahead of
 * or behind the progress it accounts for. That is the whole exactly-once
 * argument: a crash before COMMIT replays the buffer's records, a crash after
 * it resumes past them. The transaction's steps are in `flush-transaction.ts`.
 *
 * Positions move by compare-and-set from the value this worker last
 * committed. That fences out a second consumer of the same source, and it
 * recognises the one ambiguous failure: COMMIT succeeded but its reply was
 * lost. The retry then finds the position already at the buffer's end, rolls
 * back its own (duplicate) writes and reports the flush as done.
 *
 * A data error does not block the partition: the sealed entries are bisected
 * with trial transactions (rolled back) to find the rows the database
 * refuses; the rest commits with the offenders dead-lettered. Transient
 * errors retry the whole flush with exponential backoff until `giveUp`
 * aborts. The flusher keeps no state between flushes: it returns the
 * positions it committed and the caller applies them.
 */
export class BufferFlusher {
  readonly #options: FlusherOptions;

  constructor(options: FlusherOptions) {
    this.#options = options;
  }

  async flush(sealed: SealedBuffer): Promise<FlushResult> {
    const started = performance.now();
    const backoff = { baseMs: this.#options.retryBaseMs ?? 100, maxMs: this.#options.retryMaxMs ?? 5_000 };
    let attempts = 0;
    let statementTimeouts = 0;
    try {
      for (;;) {
        attempts += 1;
        try {
          const written = await this.#inSlot(() => this.#writeIsolatingPoison(sealed));
          return this.#done(written, sealed, started, attempts);
        } catch (error) {
          if (error instanceof SourcePositionConflictError && (await this.#committedEarlier(sealed.moves))) {
            this.#options.logger.warn({ attempt: attempts }, 'an earlier attempt of this flush committed (its reply was lost); not applying it twice');
            return this.#done({ batch: sealed.batch, deadLetters: sealed.deadLetters, poison: 0 }, sealed, started, attempts);
          }
          const kind = error instanceof FatalFlushError ? 'fatal' : classifyWriteFailure(error);
          if (kind === 'fatal') throw error instanceof FatalFlushError ? error : new FatalFlushError(`flush failed and cannot be retried: ${messageOf(error)}`, { cause: error });
          if (this.#options.giveUp.aborted) throw error;
          // the same buffer hits the same statement timeout again: retrying would loop forever
          statementTimeouts = isStatementTimeout(error) ? statementTimeouts + 1 : 0;
          if (statementTimeouts >= STATEMENT_TIMEOUTS_BEFORE_GIVING_UP) {
            throw new FatalFlushError(
              `a flush of ${sealed.entries.length} rows exceeded the database statement timeout ${statementTimeouts} times in a row: ` +
                'raise --db-statement-timeout-ms or lower --max-buffer-rows / --max-buffer-bytes',
              { cause: error },
            );
          }
          const retryInMs = backoffDelayMs(backoff, attempts);
          this.#options.onRetrying?.(true, error);
          this.#options.metrics.flushRetries.inc();
          this.#options.logger.warn({ err: error, attempt: attempts, retryInMs }, 'flush failed; retrying (reading is paused)');
          await sleep(retryInMs, this.#options.giveUp);
        }
      }
    } finally {
      this.#options.onRetrying?.(false);
    }
  }

  #inSlot<T>(work: () => Promise<T>): Promise<T> {
    return this.#options.slots === undefined ? work() : this.#options.slots.run(work);
  }

  #done(written: FlushWrite, sealed: SealedBuffer, started: number, attempts: number): FlushResult {
    const durationMs = performance.now() - started;
    this.#record(written, sealed.moves, durationMs);
    const { batch } = written;
    return {
      committed: new Map(sealed.moves.map((move) => [move.partition, move.to])),
      rowsWritten: batch.absolute.length + batch.increments.length + batch.dailyCompletions.length,
      poisonRows: written.poison,
      durationMs,
      attempts,
    };
  }

  /** After a position conflict: did an earlier attempt of this very flush commit? */
  async #committedEarlier(moves: readonly SourcePositionMove[]): Promise<boolean> {
    const stored = new Map((await this.#options.repository.loadSourcePositions(this.#options.sourceName)).map((p) => [p.partition, p.position]));
    return moves.every((move) => stored.get(move.partition) === move.to);
  }

  async #writeIsolatingPoison(sealed: SealedBuffer): Promise<FlushWrite> {
    try {
      await this.#commit({ batch: sealed.batch, deadLetters: sealed.deadLetters }, sealed.moves);
      return { batch: sealed.batch, deadLetters: sealed.deadLetters, poison: 0 };
    } catch (error) {
      if (classifyWriteFailure(error) !== 'data') throw error;
      this.#options.logger.warn({ err: error, rows: sealed.entries.length }, 'the database refused the batch; isolating the offending rows');
    }
    const refused = await this.#findRefused(sealed.entries);
    const refusedSet = new Set(refused.map((r) => r.entry));
    const accepted = ProgressBuffer.toBatch(sealed.entries.filter((entry) => !refusedSet.has(entry)));
    const deadLetters = [...sealed.deadLetters, ...refused.map(({ entry, error }) => this.#refusedRowLetter(entry, error))];
    try {
      await this.#commit({ batch: accepted, deadLetters }, sealed.moves);
    } catch (error) {
      // the rows were isolated, so a data error now comes from the dead letters or positions: retrying would loop
      if (classifyWriteFailure(error) === 'data') throw new FatalFlushError(`the database refused a flush even after isolating refused rows: ${messageOf(error)}`, { cause: error });
      throw error;
    }
    for (const { entry, error } of refused) {
      this.#options.logger.error({ userId: entry.userId, goalId: entry.goalId, err: error }, 'row refused by the database; dead-lettered');
    }
    return { batch: accepted, deadLetters, poison: refused.length };
  }

  #commit(rows: FlushRows, moves: readonly SourcePositionMove[]): Promise<void> {
    return commitFlushTransaction(this.#options.repository, rows, { moves, lease: this.#options.lease });
  }

  #refusedRowLetter(entry: BufferEntry, error: unknown): DeadLetter {
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
  }

  /** Bisection with rolled-back trial transactions: O(k log n) trials for k offenders. */
  async #findRefused(entries: readonly BufferEntry[]): Promise<{ entry: BufferEntry; error: unknown }[]> {
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

  async #trial(entries: readonly BufferEntry[]): Promise<unknown> {
    const tx = await this.#options.repository.beginTx();
    try {
      await writeProgressRows(tx, ProgressBuffer.toBatch(entries));
      return null;
    } catch (error) {
      if (classifyWriteFailure(error) !== 'data') throw error;
      return error;
    } finally {
      await tx.rollback();
    }
  }

  #record(written: FlushWrite, moves: readonly SourcePositionMove[], durationMs: number): void {
    const { metrics } = this.#options;
    const { batch } = written;
    metrics.flushDuration.observe(durationMs / 1000);
    metrics.rowsWritten.inc({ kind: 'absolute' }, batch.absolute.length);
    metrics.rowsWritten.inc({ kind: 'increment' }, batch.increments.length);
    metrics.rowsWritten.inc({ kind: 'daily' }, batch.dailyCompletions.length);
    for (const letter of written.deadLetters) metrics.deadLetters.inc({ code: letter.errorCode });
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
