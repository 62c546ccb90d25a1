import type { QueryPlace } from '../connection/query-place.js';

export interface DeadLetterColumns {
  sources: string[];
  partitions: string[];
  /** bigint as decimal strings */
  positions: string[];
  goalIds: string[];
  eventIds: (string | null)[];
  payloads: string[];
  reasons: string[];
  errorCodes: string[];
  /** bigint as decimal strings; null = not known */
  payloadBytes: (string | null)[];
  payloadSha256s: (string | null)[];
}

/** DO NOTHING on the (source, partition, position, goal_id) key: a replayed event cannot be dead-lettered twice. */
export async function recordDeadLetters(place: QueryPlace, c: DeadLetterColumns): Promise<void> {
  await place.pg.query({
    name: 'goals.record-dead-letters',
    text: `
      INSERT INTO dead_letters (source, partition, position, goal_id, event_id, payload, reason, error_code, payload_bytes, payload_sha256)
      SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::bigint[], $10::text[])
      ON CONFLICT (source, partition, position, goal_id) DO NOTHING`,
    values: [c.sources, c.partitions, c.positions, c.goalIds, c.eventIds, c.payloads, c.reasons, c.errorCodes, c.payloadBytes, c.payloadSha256s],
  });
}
