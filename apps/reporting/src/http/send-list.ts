import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csvChunks, type CsvColumn } from '../csv/csv-rows.js';

export type ResponseFormat = 'json' | 'csv';

/** `?format=` wins; otherwise an Accept header that names text/csv asks for CSV. */
export function responseFormat(request: FastifyRequest, format: ResponseFormat | undefined): ResponseFormat {
  if (format !== undefined) return format;
  const accept = request.headers.accept ?? '';
  return /(^|,)\s*text\/csv\b/i.test(accept) ? 'csv' : 'json';
}

/** Streams `rows` as an RFC 4180 CSV attachment named `<name>.csv`. */
export function sendCsv<Row>(reply: FastifyReply, name: string, columns: readonly CsvColumn<Row>[], rows: AsyncIterable<Row> | Iterable<Row>): FastifyReply {
  return reply
    .header('content-type', 'text/csv; charset=utf-8; header=present')
    // the name may carry a challenge id: only safe characters reach the header
    .header('content-disposition', `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}.csv"`)
    .send(Readable.from(csvChunks(columns, rows)));
}
