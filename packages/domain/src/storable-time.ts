/**
 * The instants the repository stores exactly: years 1 to 9999 UTC (ISO 8601
 * with a four-digit year, which PostgreSQL reads back; see prisma-repo's
 * epoch-ms encoding). One rule: events outside it are malformed at parse
 * time, and the repository's validation refuses them too.
 */
export const MIN_STORABLE_TIME_MS = Date.parse('0001-01-01T00:00:00.000Z');
export const MAX_STORABLE_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');

export function isStorableTime(epochMs: number): boolean {
  return epochMs >= MIN_STORABLE_TIME_MS && epochMs <= MAX_STORABLE_TIME_MS;
}
