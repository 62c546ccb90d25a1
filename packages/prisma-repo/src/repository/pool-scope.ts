import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.js';
import { beginTransaction } from '../sql/begin-transaction.js';
import { commitTransaction } from '../sql/commit-transaction.js';
import { OpenTransaction } from './open-transaction.js';
import { releaseAfterFailure } from './release-after-failure.js';
import type { StatementScope } from './statement-scope.js';

/** Statements outside any caller transaction. */
export class PoolScope implements StatementScope {
  readonly #pool: pg.Pool;
  readonly #prisma: PrismaClient;

  constructor(pool: pg.Pool, prisma: PrismaClient) {
    this.#pool = pool;
    this.#prisma = prisma;
  }

  prisma<T>(work: (prisma: PrismaClient) => Promise<T>): Promise<T> {
    return work(this.#prisma);
  }

  raw<T>(work: (db: pg.Pool | pg.ClientBase) => Promise<T>): Promise<T> {
    return work(this.#pool);
  }

  async atomic<T>(work: (tx: OpenTransaction) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    // A checked-out client that loses its connection emits 'error'; with no
    // listener Node would crash the process. The statement in flight fails
    // with the same error, which is what the caller gets.
    const ignoreConnectionError = (): void => {};
    client.on('error', ignoreConnectionError);
    try {
      await beginTransaction(client);
      const tx = new OpenTransaction(client);
      const result = await work(tx);
      if (!(await commitTransaction(client))) throw new Error('PostgreSQL rolled the transaction back at COMMIT');
      tx.committed();
      client.removeListener('error', ignoreConnectionError);
      client.release();
      return result;
    } catch (error) {
      await releaseAfterFailure(client, error);
      client.removeListener('error', ignoreConnectionError);
      throw error;
    }
  }
}
