import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import type { BatchKind } from '../batch/batch-kinds.js';

/**
 * One round of a batch, COPY text format, into its kind's staging table.
 * `pipeline` respects backpressure, so memory stays at a few chunks whatever
 * the row count. If the chunks fail (or the server aborts the COPY),
 * pg-copy-streams sends CopyFail / waits for the server's error, so the
 * connection leaves COPY mode before this rejects.
 */
export async function copyIntoStaging<T>(client: pg.ClientBase, kind: BatchKind<T>, round: readonly T[]): Promise<void> {
  const copy = client.query(copyFrom(`COPY pg_temp.${kind.stagingTable} (${kind.columnNames}) FROM STDIN (FORMAT text)`));
  await pipeline(Readable.from(kind.copyChunks(round), { objectMode: false }), copy);
}
