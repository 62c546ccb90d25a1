/**
 * Rows in PostgreSQL COPY text format, packed into ~64 KiB buffers: one stream
 * write per row costs 1.5–2× more, one buffer for the whole batch costs
 * memory proportional to the batch. A generator, so rows are encoded only as
 * fast as the socket takes them.
 */
export function* copyTextChunks<T>(rows: Iterable<T>, fields: (row: T) => readonly CopyField[], chunkSize = 64 * 1024): Generator<Buffer> {
  let parts: string[] = [];
  let size = 0;
  for (const row of rows) {
    const line = fields(row).map(encodeField).join('\t') + '\n';
    parts.push(line);
    size += line.length;
    if (size >= chunkSize) {
      yield Buffer.from(parts.join(''), 'utf8');
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield Buffer.from(parts.join(''), 'utf8');
}

export type CopyField = string | number | null;

const SPECIAL = /[\\\n\r\t]/;
const SPECIAL_ALL = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Backslash, newline, carriage return and tab are the only bytes text format treats specially; \N is NULL. */
export function encodeField(value: CopyField): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  return SPECIAL.test(value) ? value.replace(SPECIAL_ALL, (c) => ESCAPES[c] ?? c) : value;
}
