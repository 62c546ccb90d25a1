/** The int64 fields of the protocol: decoded as strings, so their default is "0". */
const INT64_FIELDS = new Set(['version']);

/**
 * A decoded message without the fields at their proto3 default ("", 0,
 * false, "0" for an int64). Go's encoder (AGS) never sends them, other
 * encoders may; dropping them makes "absent" and "default" one value before
 * parsing, and a derived event id independent of the sender's encoder.
 */
export function withoutProtoDefaults(message: unknown): unknown {
  if (Array.isArray(message)) return message.map(withoutProtoDefaults);
  if (typeof message !== 'object' || message === null) return message;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(message)) {
    if (value === '' || value === 0 || value === false || value === undefined || (value === '0' && INT64_FIELDS.has(key))) continue;
    kept[key] = withoutProtoDefaults(value);
  }
  return kept;
}
