/**
 * Why talking to the event stream failed, with a stable `code` for callers
 * and exit codes:
 * - NATS_UNREACHABLE: no NATS server answered at the given address.
 * - JETSTREAM_UNAVAILABLE: the server runs without JetStream (`-js`).
 * - STREAM_MISSING: the stream does not exist (run `goals-publish --setup`).
 * - STREAM_CONFIG_MISMATCH: the stream exists with another layout than this
 *   code expects (subjects, storage, retention, or a description without a
 *   partition count).
 * - PARTITION_COUNT_MISMATCH: the caller was configured with another
 *   partition count than the stream was created with.
 * - PUBLISH_FAILED: the server did not store a message (after retries).
 * - STREAM_BEHIND_POSITION: a consumer's stored position is past the
 *   stream's last sequence (the stream was recreated, or the positions belong
 *   to another stream): reading on would skip events.
 * - EVENT_REFUSED: the event parser refused the event; nothing was published.
 */
export type EventStreamErrorCode =
  | 'NATS_UNREACHABLE'
  | 'JETSTREAM_UNAVAILABLE'
  | 'STREAM_MISSING'
  | 'STREAM_CONFIG_MISMATCH'
  | 'PARTITION_COUNT_MISMATCH'
  | 'PUBLISH_FAILED'
  | 'STREAM_BEHIND_POSITION'
  | 'EVENT_REFUSED';

export class EventStreamError extends Error {
  constructor(
    readonly code: EventStreamErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'EventStreamError';
  }
}
