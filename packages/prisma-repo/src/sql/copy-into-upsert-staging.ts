import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

/**
 * COPY text-format chunks (see copy/copy-text.ts) into the staging table.
 * `pipeline` respects backpressure, so memory stays at a few chunks whatever
 * the row count. If the chunks fail (or the server aborts the COPY),
 * pg-copy-streams sends CopyFail / waits for the server's error, so the
 * connection leaves COPY mode before this rejects.
 */
export async function copyIntoUpsertStaging(client: pg.ClientBase, chunks: Iterable<Buffer>): Promise<void> {
  const copy = client.query(
    copyFrom(`COPY pg_temp.goals_upsert_staging
                (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, claimed_at)
              FROM STDIN (FORMAT text)`),
  );
  await pipeline(Readable.from(chunks, { objectMode: false }), copy);
}
