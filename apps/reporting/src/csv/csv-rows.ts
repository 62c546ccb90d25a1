/**
 * RFC 4180 CSV: CRLF line ends, a header row, and a field quoted (with its
 * quotes doubled) whenever it holds a comma, a quote, CR or LF. Rows are
 * pulled from an async iterable and handed out in ~64 KiB chunks, so an export
 * of any size streams in bounded memory.
 */
export type CsvValue = string | number | boolean | Date | null | undefined;

export interface CsvColumn<Row> {
  header: string;
  value: (row: Row) => CsvValue;
}

const CHUNK_CHARACTERS = 64 * 1024;
const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export async function* csvChunks<Row>(columns: readonly CsvColumn<Row>[], rows: AsyncIterable<Row> | Iterable<Row>): AsyncGenerator<string> {
  let chunk = `${columns.map((column) => csvField(column.header)).join(',')}\r\n`;
  for await (const row of rows) {
    chunk += `${columns.map((column) => csvField(column.value(row))).join(',')}\r\n`;
    if (chunk.length >= CHUNK_CHARACTERS) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}
