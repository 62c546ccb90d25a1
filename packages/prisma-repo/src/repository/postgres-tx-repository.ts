import { ValidationError, type UserGoalProgress } from '@goals/domain';
import { DatabaseError } from '../errors/database-error.js';
import { TransactionClosedError } from '../errors/transaction-closed-error.js';
import type pg from 'pg';
import type { TransactionRoutingPool } from '../connection/transaction-routing-pool.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { TxRepository } from '@goals/domain';
import { commitTransaction } from '../sql/commit-transaction.js';
import { getProgressForUpdate } from '../sql/get-progress-for-update.js';
import { toUserGoalProgress } from '../sql/progress-row.js';
import { checkKey } from '../validation/validate-inputs.js';
import { GoalOperations, type GoalOperationsOptions } from './goal-operations.js';
import { GoalRepositoryMethods } from './goal-repository-methods.js';
import { OpenTransaction } from './open-transaction.js';
import { releaseAfterFailure } from './release-after-failure.js';
import type { StatementScope } from './statement-scope.js';
import { toGoalError } from './to-goal-error.js';

type TransactionState = 'open' | 'finishing' | 'committed' | 'rolled back';

/**
 * One PostgreSQL transaction on one checked-out connection.
 *
 * States: open → (commit) committed | (rollback, or a commit PostgreSQL
 * refused) rolled back. `finishing` covers the COMMIT/ROLLBACK round trip, so
 * a second commit() or a late write cannot slip in. Only `open` accepts calls;
 * the others answer TransactionClosedError without touching the connection,
 * which by then is back in the pool.
 *
 * A database error inside the transaction makes PostgreSQL abort it; COMMIT
 * would then quietly roll back. The first failure is remembered and commit()
 * reports it (after rolling back) instead of success. Whatever happens, the
 * connection is released exactly once: normally if a COMMIT/ROLLBACK went
 * through on it, destroyed otherwise.
 */
export class PostgresTxRepository extends GoalRepositoryMethods implements TxRepository {
  readonly #client: pg.PoolClient;
  readonly #transaction: OpenTransaction;
  readonly #operations: GoalOperations;
  #state: TransactionState = 'open';
  #failure: unknown = undefined;
  readonly #onConnectionError = (error: Error): void => {
    this.#failure ??= error;
  };

  constructor(client: pg.PoolClient, routingPool: TransactionRoutingPool, prisma: PrismaClient, options: GoalOperationsOptions = {}) {
    super();
    this.#client = client;
    this.#transaction = new OpenTransaction(client);
    // A connection lost while the transaction is idle: remembered, so commit() fails.
    client.on('error', this.#onConnectionError);
    const transaction = this.#transaction;
    const scope: StatementScope = {
      prisma: (work) => routingPool.runOn(client, () => work(prisma)),
      raw: (work) => work(client),
      atomic: (work) => work(transaction),
    };
    this.#operations = new GoalOperations(scope, options);
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  protected async use<T>(operation: string, work: (operations: GoalOperations) => Promise<T>): Promise<T> {
    this.#assertOpen(operation);
    try {
      return await work(this.#operations);
    } catch (error) {
      if (error instanceof DatabaseError) this.#failure ??= error;
      throw error;
    }
  }

  async getProgressForUpdate(userId: string, goalId: string): Promise<UserGoalProgress | null> {
    return this.use('getProgressForUpdate', async () => {
      checkKey('getProgressForUpdate', { userId, goalId });
      let rows;
      try {
        rows = await getProgressForUpdate(this.#client, userId, goalId);
      } catch (error) {
        throw toGoalError('getProgressForUpdate', error);
      }
      const row = rows[0];
      return row === undefined ? null : toUserGoalProgress(row);
    });
  }

  async commit(): Promise<void> {
    this.#assertOpen('commit');
    this.#state = 'finishing';
    if (this.#failure !== undefined) {
      await this.#rollBackAndRelease(this.#failure);
      throw new DatabaseError(
        'commit',
        new Error('a statement of this transaction failed, so PostgreSQL aborted it; it has been rolled back', { cause: this.#failure }),
      );
    }
    let committed: boolean;
    try {
      committed = await commitTransaction(this.#client);
    } catch (error) {
      this.#state = 'rolled back';
      this.#release(error);
      throw toGoalError('commit', error);
    }
    if (!committed) {
      this.#state = 'rolled back';
      this.#release();
      throw new DatabaseError('commit', new Error('PostgreSQL answered COMMIT with ROLLBACK: the transaction had failed'));
    }
    this.#state = 'committed';
    this.#transaction.committed();
    this.#release();
  }

  /** Idempotent: a finished transaction stays as it is. */
  async rollback(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'finishing';
    await this.#rollBackAndRelease(undefined);
  }

  beginTx(): Promise<TxRepository> {
    return Promise.reject(nestedTransactionError('beginTx'));
  }

  withTransaction<T>(_work: (tx: TxRepository) => Promise<T>): Promise<T> {
    return Promise.reject(nestedTransactionError('withTransaction'));
  }

  /** Rolls back if still open; the pool belongs to the repository. */
  close(): Promise<void> {
    return this.rollback();
  }

  #assertOpen(operation: string): void {
    if (this.#state !== 'open') throw new TransactionClosedError(operation, this.#state === 'finishing' ? 'being finished' : this.#state);
  }

  async #rollBackAndRelease(failure: unknown): Promise<void> {
    this.#state = 'rolled back';
    await releaseAfterFailure(this.#client, failure ?? new Error('rollback'));
    this.#client.removeListener('error', this.#onConnectionError);
  }

  #release(error?: unknown): void {
    this.#client.removeListener('error', this.#onConnectionError);
    if (error === undefined) this.#client.release();
    else this.#client.release(error instanceof Error ? error : new Error(String(error)));
  }
}

function nestedTransactionError(operation: string): ValidationError {
  return new ValidationError(operation, [
    { path: '', message: 'already inside a transaction (nested transactions are not supported): use this TxRepository' },
  ]);
}
