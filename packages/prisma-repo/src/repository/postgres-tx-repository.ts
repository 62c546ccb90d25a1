import { DatabaseError, ProgressOverflowError, TransactionClosedError, ValidationError, type LedgerTransaction, type UserGoalProgress } from '@goals/domain';
import type { OpenTransaction } from '../connection/open-transaction.js';
import type { QueryPlace } from '../connection/query-place.js';
import type { TransactionRoutingPool } from '../connection/transaction-routing-pool.js';
import { toDatabaseError } from '../errors/to-database-error.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { getProgressForUpdate } from '../sql/get-progress-for-update.js';
import { toUserGoalProgress } from '../sql/progress-row.js';
import { checkKey } from '../validation/validate-inputs.js';
import { GoalRepositoryMethods } from './goal-repository-methods.js';

type TransactionState = 'open' | 'finishing' | 'committed' | 'rolled back';

/**
 * One PostgreSQL transaction on one checked-out connection. Its place is that
 * connection: raw statements and COPY use it, and Prisma's queries are routed
 * to it (TransactionRoutingPool), so all of them share the transaction.
 *
 * States: open → (commit) committed | (rollback, or a commit PostgreSQL
 * refused) rolled back. `finishing` covers the COMMIT/ROLLBACK round trip, so
 * a second commit() or a late write cannot slip in. Only `open` accepts calls;
 * the others answer TransactionClosedError without touching the connection,
 * which by then is back in the pool.
 *
 * A database error inside the transaction makes PostgreSQL abort it; COMMIT
 * would then quietly roll back. The first failure is remembered and commit()
 * reports it (after rolling back) instead of success. The connection's
 * lifecycle is openTransaction's (connection/open-transaction.ts).
 */
export class PostgresTxRepository extends GoalRepositoryMethods implements LedgerTransaction {
  protected readonly copyThreshold: number;
  readonly #transaction: OpenTransaction;
  readonly #place: QueryPlace;
  #state: TransactionState = 'open';
  #failure: unknown = undefined;

  constructor(transaction: OpenTransaction, routingPool: TransactionRoutingPool, prisma: PrismaClient, copyThreshold: number) {
    super();
    this.copyThreshold = copyThreshold;
    this.#transaction = transaction;
    const { client } = transaction;
    this.#place = {
      pg: client,
      prisma: (query) => routingPool.runOn(client, () => query(prisma)),
      atomic: (work) => work(transaction),
    };
  }

  get isOpen(): boolean {
    return this.#state === 'open';
  }

  protected async run<T>(operation: string, work: (place: QueryPlace) => Promise<T>): Promise<T> {
    this.#assertOpen(operation);
    try {
      return await work(this.#place);
    } catch (error) {
      const failure = toDatabaseError(operation, error);
      // both come from a statement PostgreSQL refused, which aborted the transaction
      if (failure instanceof DatabaseError || failure instanceof ProgressOverflowError) this.#failure ??= failure;
      throw failure;
    }
  }

  getProgressForUpdate(userId: string, goalId: string): Promise<UserGoalProgress | null> {
    return this.run('getProgressForUpdate', async (place) => {
      checkKey('getProgressForUpdate', { userId, goalId });
      const row = await getProgressForUpdate(place, userId, goalId);
      return row === undefined ? null : toUserGoalProgress(row);
    });
  }

  async commit(): Promise<void> {
    this.#assertOpen('commit');
    this.#state = 'finishing';
    const failure = this.#failure ?? this.#transaction.connectionFailure;
    if (failure !== undefined) {
      this.#state = 'rolled back';
      await this.#transaction.rollback(failure);
      throw new DatabaseError(
        'commit',
        new Error('a statement of this transaction failed, so PostgreSQL aborted it; it has been rolled back', { cause: failure }),
      );
    }
    try {
      await this.#transaction.commit();
    } catch (error) {
      this.#state = 'rolled back';
      throw toDatabaseError('commit', error);
    }
    this.#state = 'committed';
  }

  /** Idempotent: a finished transaction stays as it is. */
  async rollback(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'rolled back';
    await this.#transaction.rollback();
  }

  beginTx(): Promise<LedgerTransaction> {
    return Promise.reject(nestedTransactionError('beginTx'));
  }

  withTransaction<T>(_work: (tx: LedgerTransaction) => Promise<T>): Promise<T> {
    return Promise.reject(nestedTransactionError('withTransaction'));
  }

  /** Rolls back if still open; the pool belongs to the repository. */
  close(): Promise<void> {
    return this.rollback();
  }

  #assertOpen(operation: string): void {
    if (this.#state !== 'open') throw new TransactionClosedError(operation, this.#state === 'finishing' ? 'being finished' : this.#state);
  }
}

function nestedTransactionError(operation: string): ValidationError {
  return new ValidationError(operation, [
    { path: '', message: 'already inside a transaction (nested transactions are not supported): use this TxRepository' },
  ]);
}
