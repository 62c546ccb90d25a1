import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { STAGING_TABLES, stagingColumnNames, type StagingTable } from './staging-tables.js';

/**
 * COPY text-format chunks (see copy/) into a staging table. `pipeline`
 * respects backpressure, so memory stays at a few chunks whatever the row
 * count. If the chunks fail (or the server aborts the COPY), pg-copy-streams
 * sends CopyFail / waits for the server's error, so the connection leaves COPY
 * mode before this rejects.
 */
export async function copyIntoStaging(client: pg.ClientBase, table: StagingTable, chunks: Iterable<Buffer>): Promise<void> {
  const copy = client.query(
    copyFrom(`COPY pg_temp.${STAGING_TABLES[table].name} (${stagingColumnNames(table)}) FROM STDIN (FORMAT text)`),
  );
  await pipeline(Readable.from(chunks, { objectMode: false }), copy);
}
