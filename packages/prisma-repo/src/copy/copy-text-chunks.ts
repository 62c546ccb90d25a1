import { COPY_NULL, escapeCopyText } from './copy-text.js';

/** Rows are packed into buffers of about this many UTF-16 units (≈ 64 KiB for ASCII ids). */
export const COPY_CHUNK_CHARS = 64 * 1024;

/**
 * Rows in PostgreSQL COPY text format, packed into ~64 KiB buffers: one stream
 * write per row costs 1.5–2× more, one buffer for the whole batch costs
 * memory proportional to the batch. A generator, so rows are encoded only as
 * fast as the socket takes them. `line(row)` returns one encoded line without
 * its newline (the batch kinds build it, see batch/batch-kinds.ts).
 */
export function* copyLineChunks<T>(rows: readonly T[], line: (row: T) => string, chunkChars = COPY_CHUNK_CHARS): Generator<Buffer> {
  let text = '';
  for (let i = 0; i < rows.length; i++) {
    text += line(rows[i] as T) + '\n';
    if (text.length >= chunkChars) {
      yield Buffer.from(text, 'utf8');
      text = '';
    }
  }
  if (text.length > 0) yield Buffer.from(text, 'utf8');
}

/** Generic form: a row as a list of fields (tests, rare callers). */
export function* copyTextChunks<T>(rows: Iterable<T>, fields: (row: T) => readonly CopyField[], chunkSize = COPY_CHUNK_CHARS): Generator<Buffer> {
  let text = '';
  for (const row of rows) {
    const values = fields(row);
    for (let i = 0; i < values.length; i++) text += (i === 0 ? '' : '\t') + encodeField(values[i] ?? null);
    text += '\n';
    if (text.length >= chunkSize) {
      yield Buffer.from(text, 'utf8');
      text = '';
    }
  }
  if (text.length > 0) yield Buffer.from(text, 'utf8');
}

export type CopyField = string | number | null;

export function encodeField(value: CopyField): string {
  if (value === null) return COPY_NULL;
  if (typeof value === 'number') return String(value);
  return escapeCopyText(value);
}
