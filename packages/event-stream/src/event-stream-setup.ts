import { jetstreamManager, JetStreamApiError, RetentionPolicy, StorageType, DiscardPolicy, type JetStreamManager, type StreamInfo } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { EventStreamError } from './event-stream-error.js';
import { describeEventStream, EVENT_STREAM_NAME, EVENT_SUBJECTS, partitionsInDescription } from './stream-layout.js';

export interface EventStreamSettings {
  /** Partition count P; fixed for the stream's life (see the README on adding partitions). */
  partitions: number;
  /** Messages older than this are removed (default 7 days): must exceed the longest a worker may lag. */
  maxAgeMs?: number;
  /** Stream size limit in bytes (default 8 GiB; -1 = none); the oldest messages go first. */
  maxBytes?: number;
  /** `Nats-Msg-Id` dedupe window (default 2 minutes, the server's default). */
  duplicateWindowMs?: number;
  /** 1 on a single server, 3 on a cluster. */
  replicas?: number;
}

export interface EventStreamLayout {
  partitions: number;
  /** The stream's last sequence when looked at. */
  lastSequence: number;
  firstSequence: number;
}

const MS = 1_000_000; // nanoseconds per millisecond

export async function eventStreamManager(connection: NatsConnection): Promise<JetStreamManager> {
  try {
    return await jetstreamManager(connection);
  } catch (error) {
    throw new EventStreamError('JETSTREAM_UNAVAILABLE', `the NATS server has no JetStream (start it with -js): ${messageOf(error)}`, { cause: error });
  }
}

/**
 * Creates the event stream, or checks the one that exists (idempotent: every
 * worker and `goals-publish --setup` call it). An existing stream must have
 * this layout and the same partition count; anything else is an error, never
 * a silent update, because changing P re-homes players whose unprocessed
 * events sit in their old partition.
 */
export async function ensureEventStream(connection: NatsConnection, settings: EventStreamSettings): Promise<{ created: boolean; layout: EventStreamLayout }> {
  if (!Number.isSafeInteger(settings.partitions) || settings.partitions < 1 || settings.partitions > 1024) {
    throw new EventStreamError('STREAM_CONFIG_MISMATCH', `partition count must be an integer from 1 to 1024, got ${settings.partitions}`);
  }
  const jsm = await eventStreamManager(connection);
  const existing = await findStream(jsm);
  if (existing !== null) return { created: false, layout: checkLayout(existing, settings.partitions) };
  try {
    const info = await jsm.streams.add({
      name: EVENT_STREAM_NAME,
      description: describeEventStream(settings.partitions),
      subjects: [EVENT_SUBJECTS],
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: (settings.maxAgeMs ?? 7 * 24 * 3_600_000) * MS,
      max_bytes: settings.maxBytes ?? 8 * 1024 ** 3,
      duplicate_window: (settings.duplicateWindowMs ?? 120_000) * MS,
      num_replicas: settings.replicas ?? 1,
    });
    return { created: true, layout: checkLayout(info, settings.partitions) };
  } catch (error) {
    // two workers starting together: the other one created it first
    const raced = await findStream(jsm);
    if (raced !== null) return { created: false, layout: checkLayout(raced, settings.partitions) };
    throw new EventStreamError('STREAM_CONFIG_MISMATCH', `cannot create stream ${EVENT_STREAM_NAME}: ${messageOf(error)}`, { cause: error });
  }
}

/** The layout of the existing stream (STREAM_MISSING when there is none); `expectedPartitions` is checked when given. */
export async function readEventStreamLayout(connection: NatsConnection, expectedPartitions?: number): Promise<EventStreamLayout> {
  const jsm = await eventStreamManager(connection);
  const info = await findStream(jsm);
  if (info === null) throw new EventStreamError('STREAM_MISSING', `stream ${EVENT_STREAM_NAME} does not exist: create it with goals-publish --setup --partitions <P> (or start a worker, which sets it up)`);
  return checkLayout(info, expectedPartitions);
}

async function findStream(jsm: JetStreamManager): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(EVENT_STREAM_NAME);
  } catch (error) {
    if (error instanceof JetStreamApiError && error.code === 10059) return null; // stream not found
    throw error;
  }
}

function checkLayout(info: StreamInfo, expectedPartitions: number | undefined): EventStreamLayout {
  const { config } = info;
  const problems: string[] = [];
  // the server's answer, not our type: a stream made by hand may have no subjects at all
  const subjects = config.subjects as readonly string[] | undefined;
  if (subjects?.length !== 1 || subjects[0] !== EVENT_SUBJECTS) problems.push(`subjects are ${JSON.stringify(subjects ?? [])}, expected ["${EVENT_SUBJECTS}"]`);
  if (config.storage !== StorageType.File) problems.push(`storage is ${config.storage}, expected file`);
  if (config.retention !== RetentionPolicy.Limits) problems.push(`retention is ${config.retention}, expected limits (workers replay from their stored positions)`);
  const partitions = partitionsInDescription(config.description);
  if (partitions === null) problems.push(`its description ${JSON.stringify(config.description ?? '')} records no partition count ("partitions=<P>")`);
  if (problems.length > 0 || partitions === null) {
    throw new EventStreamError('STREAM_CONFIG_MISMATCH', `stream ${EVENT_STREAM_NAME} exists with another configuration: ${problems.join('; ')}`);
  }
  if (expectedPartitions !== undefined && partitions !== expectedPartitions) {
    throw new EventStreamError(
      'PARTITION_COUNT_MISMATCH',
      `stream ${EVENT_STREAM_NAME} was created with ${partitions} partitions, but this process is configured with ${expectedPartitions}: use --partitions ${partitions} (P is fixed for a stream's life; see the worker README on adding partitions)`,
    );
  }
  return { partitions, lastSequence: info.state.last_seq, firstSequence: info.state.first_seq };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
