export { EventStreamError, type EventStreamErrorCode } from './event-stream-error.js';
export { EVENT_STREAM_NAME, EVENT_SUBJECT_PREFIX, EVENT_SUBJECTS, partitionSubject, subjectOfUser, describeEventStream, partitionsInDescription } from './stream-layout.js';
export { connectToNats, type NatsConnectionOptions } from './nats-connection.js';
export { ensureEventStream, readEventStreamLayout, eventStreamManager, type EventStreamSettings, type EventStreamLayout } from './event-stream-setup.js';
export {
  createEventPublisher,
  PublishFailedError,
  type EventPublisher,
  type EventPublisherOptions,
  type PublishSummary,
  type PublishRejection,
  type PublishOutcome,
  type StoredEvent,
} from './event-publisher.js';
export { PartitionConsumers, PartitionReader, StreamBehindPositionError, type PartitionMessage, type PartitionWarning } from './partition-consumers.js';
export type { NatsConnection } from '@nats-io/transport-node';
