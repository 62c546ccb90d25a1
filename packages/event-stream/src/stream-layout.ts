import { partitionOfUser } from '@goals/domain';

/**
 * The JetStream layout of game events (SPEC §4.3): one stream, one subject
 * per partition, the partition chosen by the publisher from the userId.
 *
 * NATS 2.9 has no stream metadata, so the partition count lives in the
 * stream's description (`partitions=<P>`): the stream is the one thing every
 * publisher and every worker already talks to, and P is fixed when the stream
 * is created.
 */
export const EVENT_STREAM_NAME = 'GOALS_EVENTS';
export const EVENT_SUBJECT_PREFIX = 'goals.events';
/** Token for token like the subjects (a 2.9 consumer filter must match the stream's shape). */
export const EVENT_SUBJECTS = `${EVENT_SUBJECT_PREFIX}.*`;

export function partitionSubject(partition: number): string {
  return `${EVENT_SUBJECT_PREFIX}.${partition}`;
}

export function subjectOfUser(userId: string, partitions: number): string {
  return partitionSubject(partitionOfUser(userId, partitions));
}

const DESCRIPTION = /(?:^|[\s;])partitions=(\d+)(?:$|[\s;])/;

export function describeEventStream(partitions: number): string {
  return `goals game events; partitions=${partitions}; subject ${EVENT_SUBJECT_PREFIX}.<fnv1a32(userId UTF-8) mod ${partitions}>`;
}

/** The partition count recorded in a stream description, or null when it records none. */
export function partitionsInDescription(description: string | undefined): number | null {
  const match = DESCRIPTION.exec(description ?? '');
  if (match?.[1] === undefined) return null;
  const partitions = Number(match[1]);
  return Number.isSafeInteger(partitions) && partitions > 0 ? partitions : null;
}
