import { DeliverPolicy, jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { backoffDelayMs, sleep, type BackoffPolicy } from '@goals/runtime';
import { EventStreamError } from './event-stream-error.js';
import { EVENT_STREAM_NAME, partitionSubject } from './stream-layout.js';

/** Messages one partition's consumer may hold in the client before the reader takes them. */
const CLIENT_BUFFER_MESSAGES = 1_000;
/** Messages per chunk handed out (fewer promise hops per message). */
const CHUNK_MESSAGES = 500;
/** Messages read from the consumer but not yet taken: past this the pump waits (backpressure). */
const QUEUE_MESSAGES = 1_000;
/** Waiting out NATS being away while a consumer is created (a restart). */
const START_BACKOFF: BackoffPolicy = { baseMs: 250, maxMs: 5_000 };

/** One message of a partition: its stream sequence is its position. */
export interface PartitionMessage {
  /** The partition number as text, as positions are stored. */
  partition: string;
  position: bigint;
  payload: string;
}

export type PartitionWarning = (message: string, fields: Record<string, unknown>) => void;

export class StreamBehindPositionError extends EventStreamError {
  constructor(partition: string, stored: bigint, lastSequence: number) {
    super(
      'STREAM_BEHIND_POSITION',
      `partition ${partition}: the stored position ${stored} is past the stream's last sequence ${lastSequence}: the stream was deleted and recreated, or this database belongs to another stream; refusing to skip events (clear the source's rows in source_positions to start over)`,
    );
    this.name = 'StreamBehindPositionError';
  }
}

/**
 * The consuming side of the event stream for a worker that keeps its own
 * positions: one reader per partition, and the lag query. Created once per
 * connection (one JetStream client and manager shared by every partition).
 */
export class PartitionConsumers {
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;

  private constructor(js: JetStreamClient, jsm: JetStreamManager) {
    this.#js = js;
    this.#jsm = jsm;
  }

  static async connect(connection: NatsConnection): Promise<PartitionConsumers> {
    return new PartitionConsumers(jetstream(connection), await jetstreamManager(connection));
  }

  reader(partition: number, warn: PartitionWarning): PartitionReader {
    return new PartitionReader(this.#js, this.#jsm, partition, warn);
  }

  /**
   * The stream's last sequence on each partition's subject (index = partition;
   * 0 for a partition with no message, or one the server did not answer for):
   * a worker's lag is this minus its stored position.
   */
  async lastSequences(partitions: number): Promise<number[]> {
    const last: number[] = [];
    for (let partition = 0; partition < partitions; partition++) {
      const message = await this.#jsm.streams.getMessage(EVENT_STREAM_NAME, { last_by_subj: partitionSubject(partition) }).catch(() => null);
      last.push(message?.seq ?? 0);
    }
    return last;
  }
}

/**
 * One partition of the event stream, read in stream-sequence order from
 * subject `goals.events.<partition>` after a position the caller stored.
 * Anything delivered at or below the last message handed out is skipped, so
 * the caller's stored position stays the truth: nothing is acked (an ordered
 * consumer, AckPolicy none), and after a NATS restart the client recreates
 * the consumer after the last sequence it received.
 *
 * States: starting (creating the consumer; NATS being away is waited out with
 * backoff) → reading → closed (`close()`: a read waiting on an idle partition
 * ends; a start still retrying gives up).
 */
export class PartitionReader {
  readonly partition: string;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #warn: PartitionWarning;
  readonly #closed = new AbortController();
  #messages: ConsumerMessages | null = null;

  constructor(js: JetStreamClient, jsm: JetStreamManager, partition: number, warn: PartitionWarning) {
    this.#js = js;
    this.#jsm = jsm;
    this.partition = String(partition);
    this.#warn = warn;
  }

  async *read(after: bigint): AsyncIterable<PartitionMessage[]> {
    const messages = await this.#startConsumer(after);
    if (messages === null) return;
    // A pump moves messages from the consumer into a bounded queue; the reader
    // hands out whatever has arrived as one chunk. (The client's own pending
    // count is not reliable enough to decide when a chunk is complete.)
    const queue: PartitionMessage[] = [];
    // who waits: the reader for messages, or the pump for room
    const waiting: { reader: (() => void) | null; pump: (() => void) | null } = { reader: null, pump: null };
    // an object, not a let: the pump sets it while the reader awaits
    const pumpState: { finished: boolean; failure: unknown } = { finished: false, failure: null };
    const pump = (async () => {
      let last = after;
      try {
        for await (const message of messages) {
          const position = BigInt(message.seq);
          // at or below what was handed out already (a redelivery after a consumer reset): skipped
          if (position <= last) continue;
          last = position;
          queue.push({ partition: this.partition, position, payload: message.string() });
          waiting.reader?.();
          waiting.reader = null;
          if (queue.length >= QUEUE_MESSAGES) await new Promise<void>((resolve) => (waiting.pump = resolve));
        }
      } catch (error) {
        pumpState.failure = error;
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
        const chunk = queue.splice(0, CHUNK_MESSAGES);
        waiting.pump?.();
        waiting.pump = null;
        yield chunk;
      }
      if (pumpState.failure !== null && !this.#closed.signal.aborted) throw pumpState.failure;
    } finally {
      this.#messages = null;
      await messages.close().catch(() => undefined);
      waiting.pump?.();
      await pump;
    }
  }

  /** Stops the consumer: a read waiting for messages ends, a start still retrying gives up. */
  async close(): Promise<void> {
    this.#closed.abort();
    await this.#messages?.close().catch(() => undefined);
  }

  /**
   * Checks the stored position against the stream and starts an ordered
   * consumer after it; null once closed. A position past the stream's end is
   * refused (StreamBehindPositionError).
   */
  async #startConsumer(after: bigint): Promise<ConsumerMessages | null> {
    const closed = this.#closed.signal;
    for (let attempt = 1; !closed.aborted; attempt += 1) {
      try {
        const state = (await this.#jsm.streams.info(EVENT_STREAM_NAME)).state;
        if (after > BigInt(state.last_seq)) throw new StreamBehindPositionError(this.partition, after, state.last_seq);
        if (after > 0n && BigInt(state.first_seq) > after + 1n) {
          this.#warn('the stream no longer holds every message after the stored position (retention removed them unprocessed); events may be missing', {
            partition: this.partition,
            stored: after.toString(),
            firstSequence: state.first_seq,
          });
        }
        const consumer = await this.#js.consumers.get(EVENT_STREAM_NAME, {
          filter_subjects: partitionSubject(Number(this.partition)),
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: Number(after + 1n),
        });
        const messages = await consumer.consume({ max_messages: CLIENT_BUFFER_MESSAGES });
        this.#messages = messages;
        // close() may have run while the consumer was being created
        if (isAborted(closed)) {
          await closeUnread(messages);
          return null;
        }
        return messages;
      } catch (error) {
        if (error instanceof StreamBehindPositionError) throw error;
        const retryInMs = backoffDelayMs(START_BACKOFF, attempt);
        this.#warn('cannot start reading the partition yet (is NATS restarting?); retrying', { partition: this.partition, err: error instanceof Error ? error.message : String(error), retryInMs });
        await sleep(retryInMs, closed);
      }
    }
    return null;
  }
}

/**
 * Closes a consumer nothing iterated yet: the client's close() settles only
 * once its iterator has run to its end, so the iterator is drained (it ends
 * at once after the stop) beside it.
 */
async function closeUnread(messages: ConsumerMessages): Promise<void> {
  const closing = messages.close().catch(() => undefined);
  for await (const _message of messages) {
    // delivered before the stop took effect: this reader is closed, nothing is handed out
  }
  await closing;
}

/** Read through a function: close() aborts while the start awaits, which narrowing cannot see. */
function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
