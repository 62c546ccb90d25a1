import { hash } from 'node:crypto';
import type { DeadLetter } from '@goals/domain';
import type { SourceRecord } from '../sources/event-source.js';
import { storableText } from './storable-text.js';

/**
 * What a dead letter keeps of a payload: its beginning, up to this many UTF-16
 * units. The whole is described by `payloadBytes` and `payloadSha256`, so an
 * operator can still match the letter to the input, while no input — a flood
 * of 100 KB malformed lines — can make dead letters exhaust memory.
 */
export const DEAD_LETTER_PAYLOAD_CHARS = 4096;
/** Reasons quote input (an unknown type, a bad value); they are capped too. */
const REASON_CHARS = 1024;
/** An event id worth keeping is at most 100 characters; a longer one is kept truncated. */
const EVENT_ID_CHARS = 200;

/**
 * Text capped to `limit` UTF-16 units and made storable (a surrogate pair cut
 * in half becomes U+FFFD). The cut is copied out: V8's `slice` returns a view
 * that keeps the whole original string alive, so 4 KiB kept of a 100 KB line
 * would still hold 100 KB (measured: the flood test ran out of heap with a
 * plain slice).
 */
export function cappedText(text: string, limit: number): string {
  if (text.length <= limit) return storableText(text);
  return Buffer.from(storableText(text.slice(0, limit)), 'utf8').toString('utf8');
}

/** A whole source record the rules cannot use, with its reason; the payload capped, its length and hash kept. */
export function sourceDeadLetter(sourceName: string, record: SourceRecord, eventId: string | null, reason: string, errorCode: string): DeadLetter {
  return {
    source: sourceName,
    partition: record.partition,
    position: record.position,
    goalId: '',
    eventId: eventId === null ? null : cappedText(eventId, EVENT_ID_CHARS),
    payload: cappedText(record.payload, DEAD_LETTER_PAYLOAD_CHARS),
    reason: cappedText(reason, REASON_CHARS),
    errorCode,
    payloadBytes: record.contentBytes ?? Buffer.byteLength(record.payload),
    payloadSha256: record.contentSha256 ?? hash('sha256', record.payload, 'hex'),
  };
}
