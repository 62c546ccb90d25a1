import type pg from 'pg';
import { rollbackTransaction } from '../sql/rollback-transaction.js';

/**
 * After a failure the connection goes back to the pool only if a ROLLBACK
 * goes through on it — proof that it is idle and outside any transaction
 * (a failed COPY has left COPY mode by then). Otherwise it is destroyed.
 */
export async function releaseAfterFailure(client: pg.PoolClient, failure: unknown): Promise<void> {
  try {
    await rollbackTransaction(client);
  } catch {
    client.release(failure instanceof Error ? failure : new Error(String(failure)));
    return;
  }
  client.release();
}
