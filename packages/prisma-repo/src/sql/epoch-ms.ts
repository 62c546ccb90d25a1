/**
 * Timestamps travel as epoch milliseconds (int8): the client sends
 * `date.getTime()` instead of formatting an ISO string per row, and the server
 * does integer arithmetic instead of parsing one. `to_timestamp(ms / 1000.0)`
 * would be shorter but goes through float8 seconds and is off by microseconds
 * after year ~2300; whole days plus the remaining milliseconds are exact for
 * every Date the validation lets through (years 1–9999). The arithmetic is on
 * `timestamp` (no zone, so no DST) and only then read as UTC: the result does
 * not depend on the session TimeZone.
 */
export function timestamptzFromEpochMs(ms: string): string {
  return `((timestamp 'epoch' + (${ms} / 86400000) * interval '1 day' + (${ms} % 86400000) * interval '1 millisecond') AT TIME ZONE 'UTC')`;
}
