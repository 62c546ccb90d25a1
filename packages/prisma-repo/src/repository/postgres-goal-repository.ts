import { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import { createHash } from 'node:crypto';
import { TransactionRoutingPool } from '../connection/transaction-routing-pool.js';
import { PrismaClient } from '../generated/prisma/client.js';
import type { GoalRepository, TxRepository } from '@goals/domain';
import { beginTransaction } from '../sql/begin-transaction.js';
import { GoalOperations, type GoalOperationsOptions } from './goal-operations.js';
import { GoalRepositoryMethods } from './goal-repository-methods.js';
import { PoolScope } from './pool-scope.js';
import { PostgresTxRepository } from './postgres-tx-repository.js';
import { toGoalError } from './to-goal-error.js';

export type CreateGoalRepositoryOptions = ({ pool: pg.Pool } | { connectionString: string; poolOptions?: pg.PoolConfig }) & {
  /**
   * Worker batches (batchApplyAbsolute, batchIncrementProgress,
   * batchCompleteDaily) of at least this many rows go through COPY; smaller
   * ones through one UNNEST statement. Default DEFAULT_COPY_THRESHOLD (5,000).
   */
  batchCopyThreshold?: number;
};

/** GoalRepository on PostgreSQL: Prisma for single-row statements and reads, pg for batches, COPY and FOR UPDATE. */
export class PostgresGoalRepository extends GoalRepositoryMethods implements GoalRepository {
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  readonly #routingPool: TransactionRoutingPool;
  readonly #prisma: PrismaClient;
  readonly #operations: GoalOperations;
  readonly #options: GoalOperationsOptions;
  #closed = false;

  constructor(pool: pg.Pool, ownsPool: boolean, options: GoalOperationsOptions = {}) {
    super();
    this.#pool = pool;
    this.#ownsPool = ownsPool;
    this.#routingPool = new TransactionRoutingPool(pool);
    this.#prisma = new PrismaClient({
      adapter: new PrismaPg(this.#routingPool, { statementNameGenerator: preparedStatementName }),
    });
    this.#options = options;
    this.#operations = new GoalOperations(new PoolScope(pool, this.#prisma), options);
  }

  protected use<T>(_operation: string, work: (operations: GoalOperations) => Promise<T>): Promise<T> {
    return work(this.#operations);
  }

  async beginTx(): Promise<TxRepository> {
    let client: pg.PoolClient;
    try {
      client = await this.#pool.connect();
    } catch (error) {
      throw toGoalError('beginTx', error);
    }
    // Until the TxRepository listens itself: a connection lost during BEGIN
    // must reject BEGIN, not crash the process with an unheard 'error' event.
    const ignoreConnectionError = (): void => {};
    client.on('error', ignoreConnectionError);
    try {
      await beginTransaction(client);
    } catch (error) {
      client.release(error instanceof Error ? error : true);
      client.removeListener('error', ignoreConnectionError);
      throw toGoalError('beginTx', error);
    }
    const tx = new PostgresTxRepository(client, this.#routingPool, this.#prisma, this.#options);
    client.removeListener('error', ignoreConnectionError);
    return tx;
  }

  async withTransaction<T>(work: (tx: TxRepository) => Promise<T>): Promise<T> {
    const tx = await this.beginTx();
    let result: T;
    try {
      result = await work(tx);
    } catch (error) {
      await tx.rollback();
      throw error;
    }
    if (tx instanceof PostgresTxRepository && !tx.isOpen) return result;
    await tx.commit();
    return result;
  }

  /** Idempotent. Ends the pool only if the repository created it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#prisma.$disconnect();
    if (this.#ownsPool) await this.#pool.end();
  }
}

/**
 * Named (prepared) statements for Prisma's queries: PostgreSQL parses and
 * plans each statement once per connection instead of on every call — about
 * a third off a single-row read here. Names are derived from the SQL, so the
 * same SQL reuses its statement; the cache is bounded in case a caller's SQL
 * varies without end (those run unnamed: pg treats an empty name as none).
 */
const statementNames = new Map<string, string>();
const MAX_NAMED_STATEMENTS = 500;

export function preparedStatementName(query: { sql: string }): string {
  const known = statementNames.get(query.sql);
  if (known !== undefined) return known;
  if (statementNames.size >= MAX_NAMED_STATEMENTS) return '';
  const name = `goals.prisma.${createHash('sha256').update(query.sql).digest('hex').slice(0, 24)}`;
  statementNames.set(query.sql, name);
  return name;
}
