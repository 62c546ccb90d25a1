import type { PartitionReader } from '@goals/event-stream';
import type { EventSourceReader, SourceRecord } from './event-source.js';

/**
 * One partition of the event stream as an EventSourceReader: position = the
 * stream sequence, resuming after the stored position. The NATS side (the
 * ordered consumer, redelivery skips, NATS restarts, the stream-behind check)
 * is `@goals/event-stream`'s PartitionReader; this only names the source.
 */
export class JetStreamPartitionSource implements EventSourceReader {
  readonly name: string;
  readonly #reader: PartitionReader;

  constructor(sourceName: string, reader: PartitionReader) {
    this.name = sourceName;
    this.#reader = reader;
  }

  get partition(): string {
    return this.#reader.partition;
  }

  read(resumeAt: ReadonlyMap<string, bigint>): AsyncIterable<SourceRecord[]> {
    return this.#reader.read(resumeAt.get(this.#reader.partition) ?? 0n);
  }

  /** Lag is reported per partition by the partitioned worker (from the stream), not per reader. */
  lag(): number | undefined {
    return undefined;
  }

  /** Stops the consumer: a read waiting for messages ends. */
  close(): Promise<void> {
    return this.#reader.close();
  }
}
