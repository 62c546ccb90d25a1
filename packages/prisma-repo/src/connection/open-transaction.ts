import { DatabaseError } from '@goals/domain';
import type pg from 'pg';
import type { BatchKind } from '../batch/batch-kinds.js';
import { beginTransaction } from '../sql/begin-transaction.js';
import { commitTransaction } from '../sql/commit-transaction.js';
import { createStagingTables } from '../sql/create-staging-tables.js';
import { rollbackTransaction } from '../sql/rollback-transaction.js';
import { truncateStagingTable } from '../sql/truncate-staging-table.js';

/** One transaction in progress on one checked-out connection (BEGIN sent). */
export interface OpenTransaction {
  readonly client: pg.PoolClient;
  /** The first error the connection emitted while the transaction was open (e.g. its backend was killed while idle). */
  readonly connectionFailure: unknown;
  /** The kind's staging table exists and is empty: two COPY calls in one transaction are independent. */
  prepareStaging(kind: BatchKind<never>): Promise<void>;
  /**
   * COMMIT, and the connection goes back to the pool (destroyed if COMMIT
   * failed on the wire). Throws when PostgreSQL answered ROLLBACK (the
   * transaction had failed) — node-pg would report success.
   */
  commit(): Promise<void>;
  /** ROLLBACK; the connection is released if that went through, destroyed otherwise. Never throws; idempotent. */
  rollback(reason?: unknown): Promise<void>;
}


/**
 * Connections whose session has the COPY staging tables. A table created in
 * a transaction that rolls back disappears with it, so a connection joins this
 * set only when that transaction commits.
 */
const connectionsWithStagingTables = new WeakSet<pg.ClientBase>();

/**
 * The connection lifecycle of every transaction of the repository, in one
 * place: checkout, BEGIN, COMMIT seen to be a COMMIT, and the connection
 * released exactly once — back to the pool after a COMMIT or ROLLBACK went
 * through on it (proof that it is idle and outside any transaction; a failed
 * COPY has left COPY mode by then), destroyed otherwise.
 */
export async function openTransaction(pool: pg.Pool): Promise<OpenTransaction> {
  const client = await pool.connect();
  let connectionFailure: unknown = undefined;
  let released = false;
  // A checked-out client that loses its connection emits 'error'; with no
  // listener Node would crash the process. The statement in flight fails with
  // the same error; one lost while idle makes commit() fail.
  const onConnectionError = (error: Error): void => {
    connectionFailure ??= error;
  };
  client.on('error', onConnectionError);
  const release = (destroyBecause?: unknown): void => {
    if (released) return;
    released = true;
    client.removeListener('error', onConnectionError);
    if (destroyBecause === undefined) client.release();
    else client.release(destroyBecause instanceof Error ? destroyBecause : new Error(String(destroyBecause)));
  };
  try {
    await beginTransaction(client);
  } catch (error) {
    release(error);
    throw error;
  }

  let createdStagingTables = false;
  const usedStagingTables = new Set<string>();
  return {
    client,
    get connectionFailure() {
      return connectionFailure;
    },
    async prepareStaging(kind) {
      if (usedStagingTables.has(kind.stagingTable)) {
        await truncateStagingTable(client, kind);
        return;
      }
      if (!createdStagingTables && !connectionsWithStagingTables.has(client)) {
        await createStagingTables(client);
        createdStagingTables = true;
      }
      usedStagingTables.add(kind.stagingTable);
    },
    async commit() {
      let committed: boolean;
      try {
        committed = await commitTransaction(client);
      } catch (error) {
        release(error);
        throw error;
      }
      // idle and outside a transaction either way
      release();
      if (!committed) throw new DatabaseError('commit', new Error('PostgreSQL answered COMMIT with ROLLBACK: the transaction had failed'));
      if (createdStagingTables) connectionsWithStagingTables.add(client);
    },
    async rollback(reason) {
      if (released) return;
      try {
        await rollbackTransaction(client);
      } catch {
        release(reason ?? new Error('ROLLBACK failed'));
        return;
      }
      release();
    },
  };
}

/** Several statements on the pool, all or nothing: a short transaction of their own. */
export async function inShortTransaction<T>(pool: pg.Pool, work: (transaction: OpenTransaction) => Promise<T>): Promise<T> {
  const transaction = await openTransaction(pool);
  let result: T;
  try {
    result = await work(transaction);
  } catch (error) {
    await transaction.rollback(error);
    throw error;
  }
  await transaction.commit();
  return result;
}
