import { parseGameEvent, parseGameEventLine, type EventParseResult } from '@goals/domain';
import { jetstream, JetStreamApiError, type JetStreamClient, type PubAck } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { retryWithBackoff, type BackoffPolicy } from '@goals/runtime';
import { EventStreamError } from './event-stream-error.js';
import { readEventStreamLayout } from './event-stream-setup.js';
import { EVENT_STREAM_NAME, subjectOfUser } from './stream-layout.js';

/** Between attempts of one publish: 200 ms, 400 ms … 3.2 s. */
const PUBLISH_BACKOFF: BackoffPolicy = { baseMs: 200, maxMs: 3_200 };

export interface EventPublisherOptions {
  connection: NatsConnection;
  /** When given, must equal the stream's partition count (PARTITION_COUNT_MISMATCH otherwise); by default the stream's is used. */
  partitions?: number;
  /** Publishes whose ack has not arrived yet; publish() waits when this many are out (default 512). */
  maxInFlight?: number;
  /** How long one attempt waits for its ack (default 5 s). */
  ackTimeoutMs?: number;
  /** Attempts per message on a timeout or a lost connection (default 6, backoff 200 ms … 3.2 s). */
  attempts?: number;
  /** Told about every line or object refused by the event parser (it is not published). */
  onRejected?: (rejection: PublishRejection) => void;
}

export interface PublishRejection {
  /** 1-based count of publish calls, i.e. the line number when feeding a file line by line. */
  index: number;
  reason: string;
}

export interface PublishSummary {
  /** Calls made (lines or objects offered). */
  offered: number;
  /** Stored by the stream as new messages. */
  published: number;
  /** Acknowledged as duplicates: the server already held a message with this event id (inside its duplicate window). */
  duplicates: number;
  /** Refused by the event parser, not published. */
  rejected: number;
  /** Blank lines, skipped. */
  blank: number;
  /** Not stored after every attempt. */
  failed: number;
}

export type PublishOutcome = 'queued' | 'rejected' | 'blank';

/** A message the stream holds: stored now, or already held under the same event id (`duplicate`). */
export interface StoredEvent {
  subject: string;
  /** The stream sequence of the message (of the earlier one for a duplicate). */
  sequence: number;
  duplicate: boolean;
}

export interface EventPublisher {
  readonly partitions: number;
  /** One NDJSON line: validated, routed by its userId, published with `Nats-Msg-Id` = its id. Waits while `maxInFlight` acks are outstanding. */
  publishLine(line: string): Promise<PublishOutcome>;
  /** One event object (native or platform shape), as publishLine. */
  publishEvent(event: unknown): Promise<PublishOutcome>;
  /**
   * One NDJSON line, confirmed: resolves once the stream has stored it (or
   * already held its id), so a caller can answer its own client only then.
   * Rejects with EVENT_REFUSED (the parser's reason) before publishing, or
   * with PUBLISH_FAILED once the attempts are used up.
   */
  storeLine(line: string): Promise<StoredEvent>;
  /** Waits for every outstanding ack. Rejects with PUBLISH_FAILED (the summary in `summary`) if any message was not stored. */
  flush(): Promise<PublishSummary>;
  /** Counts so far. */
  readonly summary: Readonly<PublishSummary>;
}

export class PublishFailedError extends EventStreamError {
  constructor(
    readonly summary: PublishSummary,
    readonly firstFailure: unknown,
  ) {
    super('PUBLISH_FAILED', `${summary.failed} of ${summary.offered} events were not stored by the stream: ${firstFailure instanceof Error ? firstFailure.message : String(firstFailure)}`, { cause: firstFailure });
    this.name = 'PublishFailedError';
  }
}

/**
 * Publishes game events to the event stream, partitioned on publish:
 * subject `goals.events.<fnv1a32(userId) mod P>`, `Nats-Msg-Id` = event id so
 * a retried publish (this process's own retry, or a whole re-run of a file
 * inside the duplicate window) is stored once. P is read from the stream
 * (STREAM_MISSING if there is none: run `goals-publish --setup`).
 */
export async function createEventPublisher(options: EventPublisherOptions): Promise<EventPublisher> {
  const layout = await readEventStreamLayout(options.connection, options.partitions);
  return new JetStreamEventPublisher(jetstream(options.connection), layout.partitions, options);
}

class JetStreamEventPublisher implements EventPublisher {
  readonly partitions: number;
  readonly #js: JetStreamClient;
  readonly #maxInFlight: number;
  readonly #ackTimeoutMs: number;
  readonly #attempts: number;
  readonly #onRejected: ((rejection: PublishRejection) => void) | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #summary: PublishSummary = { offered: 0, published: 0, duplicates: 0, rejected: 0, blank: 0, failed: 0 };
  #firstFailure: unknown = undefined;

  constructor(js: JetStreamClient, partitions: number, options: EventPublisherOptions) {
    this.#js = js;
    this.partitions = partitions;
    this.#maxInFlight = options.maxInFlight ?? 512;
    this.#ackTimeoutMs = options.ackTimeoutMs ?? 5_000;
    this.#attempts = options.attempts ?? 6;
    this.#onRejected = options.onRejected;
    if (!Number.isSafeInteger(this.#maxInFlight) || this.#maxInFlight < 1) throw new RangeError('maxInFlight must be a positive integer');
  }

  get summary(): Readonly<PublishSummary> {
    return { ...this.#summary };
  }

  publishLine(line: string): Promise<PublishOutcome> {
    const text = line.endsWith('\r') ? line.slice(0, -1) : line;
    this.#summary.offered += 1;
    if (text.trim() === '') {
      this.#summary.blank += 1;
      return Promise.resolve('blank');
    }
    return this.#publishParsed(parseGameEventLine(text), text);
  }

  publishEvent(event: unknown): Promise<PublishOutcome> {
    this.#summary.offered += 1;
    const parsed = parseGameEvent(event);
    return this.#publishParsed(parsed, parsed.ok ? JSON.stringify(event) : '');
  }

  async storeLine(line: string): Promise<StoredEvent> {
    this.#summary.offered += 1;
    const parsed = parseGameEventLine(line);
    if (!parsed.ok) {
      this.#summary.rejected += 1;
      throw new EventStreamError('EVENT_REFUSED', `the event parser refused the event: ${parsed.reason}`);
    }
    while (this.#inFlight.size >= this.#maxInFlight) await Promise.race(this.#inFlight);
    const subject = subjectOfUser(parsed.event.userId, this.partitions);
    const ack = this.#track(this.#publishWithRetries(subject, line, parsed.event.id));
    try {
      const stored = await ack;
      return { subject, sequence: stored.seq, duplicate: stored.duplicate };
    } catch (error) {
      throw new EventStreamError('PUBLISH_FAILED', `the stream did not store event ${JSON.stringify(parsed.event.id)}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  async flush(): Promise<PublishSummary> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
    if (this.#summary.failed > 0) throw new PublishFailedError(this.summary, this.#firstFailure);
    return this.summary;
  }

  async #publishParsed(parsed: EventParseResult, payload: string): Promise<PublishOutcome> {
    if (!parsed.ok) {
      this.#summary.rejected += 1;
      this.#onRejected?.({ index: this.#summary.offered, reason: parsed.reason });
      return 'rejected';
    }
    // bounded window of outstanding acks: the caller waits here (backpressure)
    while (this.#inFlight.size >= this.#maxInFlight) await Promise.race(this.#inFlight);
    const subject = subjectOfUser(parsed.event.userId, this.partitions);
    this.#track(this.#publishWithRetries(subject, payload, parsed.event.id)).catch((error: unknown) => {
      this.#firstFailure ??= error;
    });
    return 'queued';
  }

  /** Counts the publish's outcome and keeps it in the window until it settles; the ack (or the failure) passes through. */
  #track(publish: Promise<PubAck>): Promise<PubAck> {
    const counted = publish.then(
      (ack) => {
        if (ack.duplicate) this.#summary.duplicates += 1;
        else this.#summary.published += 1;
        return ack;
      },
      (error: unknown) => {
        this.#summary.failed += 1;
        throw error;
      },
    );
    const settled: Promise<void> = counted.then(
      () => undefined,
      () => undefined,
    ).finally(() => this.#inFlight.delete(settled));
    this.#inFlight.add(settled);
    return counted;
  }

  #publishWithRetries(subject: string, payload: string, eventId: string): Promise<PubAck> {
    return retryWithBackoff(() => this.#js.publish(subject, payload, { msgID: eventId, timeout: this.#ackTimeoutMs, expect: { streamName: EVENT_STREAM_NAME } }), {
      backoff: PUBLISH_BACKOFF,
      attempts: this.#attempts,
      // the server answered with an error (wrong stream, limits): the same message would fail again.
      // A timeout or a lost connection is retried: the same msg id makes a stored-but-unacknowledged attempt a duplicate, not a copy
      retryIf: (error) => !(error instanceof JetStreamApiError),
    });
  }
}
