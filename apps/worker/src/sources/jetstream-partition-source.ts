import { DeliverPolicy, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { EVENT_STREAM_NAME, partitionSubject } from '@goals/event-stream';
import type { EventSourceReader, SourceRecord } from './event-source.js';

/** Messages one partition's consumer may hold in the client before the worker reads them. */
const CLIENT_BUFFER_MESSAGES = 1_000;
/** Records per chunk handed to the worker (fewer promise hops per record). */
const CHUNK_RECORDS = 500;
/** Records read from the consumer but not yet taken by the worker: past this the pump waits (backpressure). */
const QUEUE_RECORDS = 1_000;

export class StreamBehindPositionError extends Error {
  readonly code = 'STREAM_BEHIND_POSITION';
  constructor(partition: string, stored: bigint, lastSequence: number) {
    super(
      `partition ${partition}: the stored position ${stored} is past the stream's last sequence ${lastSequence}: the stream was deleted and recreated, or this database belongs to another stream; refusing to skip events (clear the source's rows in source_positions to start over)`,
    );
    this.name = 'StreamBehindPositionError';
  }
}

/**
 * One partition of the event stream as an EventSourceReader: records in
 * stream-sequence order from subject `goals.events.<partition>`, position =
 * the stream sequence. It resumes at the stored position + 1 and skips
 * anything delivered at or below the last record it handed out, so the
 * position stored in PostgreSQL stays the truth: nothing is acked (an ordered
 * consumer, AckPolicy none), and after a NATS restart the client recreates
 * the consumer after the last sequence it received.
 */
export class JetStreamPartitionSource implements EventSourceReader {
  readonly name: string;
  readonly partition: string;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  #messages: ConsumerMessages | null = null;
  #closed = false;

  #isClosed(): boolean {
    return this.#closed;
  }
  #log: (message: string, fields: Record<string, unknown>) => void;

  constructor(options: { js: JetStreamClient; jsm: JetStreamManager; sourceName: string; partition: number; warn: (message: string, fields: Record<string, unknown>) => void }) {
    this.#js = options.js;
    this.#jsm = options.jsm;
    this.name = options.sourceName;
    this.partition = String(options.partition);
    this.#log = options.warn;
  }

  async *read(resumeAt: ReadonlyMap<string, bigint>): AsyncIterable<SourceRecord[]> {
    const stored = resumeAt.get(this.partition) ?? 0n;
    const messages = await this.#startConsumer(stored);
    if (messages === null) return;
    // A pump moves messages from the consumer into a bounded queue; the reader
    // hands out whatever has arrived as one chunk. (The client's own pending
    // count is not reliable enough to decide when a chunk is complete.)
    const queue: SourceRecord[] = [];
    // who waits: the reader for records, or the pump for room
    const waiting: { reader: (() => void) | null; pump: (() => void) | null } = { reader: null, pump: null };
    // an object, not a let: the pump sets it while the reader awaits
    const pumpState = { finished: false };
    let failure: unknown = null;
    const pump = (async () => {
      let last = stored;
      try {
        for await (const message of messages) {
          const position = BigInt(message.seq);
          // at or below what was handed out already (a redelivery after a consumer reset): skipped
          if (position <= last) continue;
          last = position;
          queue.push({ partition: this.partition, position, payload: message.string() });
          waiting.reader?.();
          waiting.reader = null;
          if (queue.length >= QUEUE_RECORDS) await new Promise<void>((resolve) => (waiting.pump = resolve));
        }
      } catch (error) {
        failure = error;
      } finally {
        pumpState.finished = true;
        waiting.reader?.();
        waiting.reader = null;
      }
    })();
    try {
      for (;;) {
        if (queue.length === 0) {
          if (pumpState.finished) break;
          await new Promise<void>((resolve) => (waiting.reader = resolve));
          continue;
        }
        const chunk = queue.splice(0, CHUNK_RECORDS);
        waiting.pump?.();
        waiting.pump = null;
        yield chunk;
      }
      if (failure !== null && !this.#closed) throw failure;
    } finally {
      this.#messages = null;
      await messages.close().catch(() => undefined);
      waiting.pump?.();
      await pump;
    }
  }

  /**
   * Checks the stored position against the stream and starts an ordered
   * consumer after it. NATS being away (a restart) is waited out with
   * backoff until close(); a position past the stream's end is refused.
   */
  async #startConsumer(stored: bigint): Promise<ConsumerMessages | null> {
    let delay = 250;
    while (!this.#closed) {
      try {
        const state = (await this.#jsm.streams.info(EVENT_STREAM_NAME)).state;
        if (stored > BigInt(state.last_seq)) throw new StreamBehindPositionError(this.partition, stored, state.last_seq);
        if (stored > 0n && BigInt(state.first_seq) > stored + 1n) {
          this.#log('the stream no longer holds every message after the stored position (retention removed them unprocessed); events may be missing', {
            partition: this.partition,
            stored: stored.toString(),
            firstSequence: state.first_seq,
          });
        }
        const consumer = await this.#js.consumers.get(EVENT_STREAM_NAME, {
          filter_subjects: partitionSubject(Number(this.partition)),
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: Number(stored + 1n),
        });
        const messages = await consumer.consume({ max_messages: CLIENT_BUFFER_MESSAGES });
        this.#messages = messages;
        // close() may have run while the consumer was being created
        if (this.#isClosed()) {
          await messages.close().catch(() => undefined);
          return null;
        }
        return messages;
      } catch (error) {
        if (error instanceof StreamBehindPositionError) throw error;
        this.#log('cannot start reading the partition yet (is NATS restarting?); retrying', { partition: this.partition, err: error instanceof Error ? error.message : String(error), retryInMs: delay });
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
    return null;
  }

  /** Lag is reported per partition by the partitioned worker (from the stream), not per reader. */
  lag(): number | undefined {
    return undefined;
  }

  /** Stops the consumer: a read waiting for messages ends. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#messages?.close().catch(() => undefined);
  }
}
