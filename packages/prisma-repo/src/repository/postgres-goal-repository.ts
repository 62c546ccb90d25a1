import { PrismaPg } from '@prisma/adapter-pg';
import type { LedgeredGoalRepository, LedgerTransaction } from '@goals/domain';
import type pg from 'pg';
import { createHash } from 'node:crypto';
import { inShortTransaction, openTransaction } from '../connection/open-transaction.js';
import type { QueryPlace } from '../connection/query-place.js';
import { TransactionRoutingPool } from '../connection/transaction-routing-pool.js';
import { createUtcReadPool } from '../connection/utc-read-pool.js';
import { toDatabaseError } from '../errors/to-database-error.js';
import type { DatabaseTimeouts } from '../connection/create-pool.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { DEFAULT_COPY_THRESHOLD, GoalRepositoryMethods } from './goal-repository-methods.js';
import { PostgresTxRepository } from './postgres-tx-repository.js';

export type CreateGoalRepositoryOptions = ({ pool: pg.Pool } | { connectionString: string; poolOptions?: pg.PoolConfig; timeouts?: Partial<DatabaseTimeouts> }) & {
  /**
   * Worker batches (batchApplyAbsolute, batchIncrementProgress,
   * batchCompleteDaily) of at least this many rows go through COPY; smaller
   * ones through one UNNEST statement. Default DEFAULT_COPY_THRESHOLD (5,000).
   */
  batchCopyThreshold?: number;
};

/** Tuning shared by the repository and its transactions. */
export interface GoalRepositoryTuning {
  copyThreshold?: number;
}

/** GoalRepository (and the worker's SourceLedger) on PostgreSQL: Prisma's typed client for single-row reads, pg for the rest. Its place is the pool. */
export class PostgresGoalRepository extends GoalRepositoryMethods implements LedgeredGoalRepository {
  protected readonly copyThreshold: number;
  readonly #pool: pg.Pool;
  readonly #ownsPool: boolean;
  /** Prisma's connections outside transactions (TimeZone UTC); always the repository's own. */
  readonly #readPool: pg.Pool;
  readonly #routingPool: TransactionRoutingPool;
  readonly #prisma: PrismaClient;
  readonly #place: QueryPlace;
  #closed = false;

  constructor(pool: pg.Pool, ownsPool: boolean, tuning: GoalRepositoryTuning = {}) {
    super();
    this.copyThreshold = tuning.copyThreshold ?? DEFAULT_COPY_THRESHOLD;
    this.#pool = pool;
    this.#ownsPool = ownsPool;
    this.#readPool = createUtcReadPool(pool);
    this.#routingPool = new TransactionRoutingPool(this.#readPool);
    const prisma = new PrismaClient({
      adapter: new PrismaPg(this.#routingPool, { statementNameGenerator: preparedStatementName }),
    });
    this.#prisma = prisma;
    this.#place = {
      pg: pool,
      prisma: (query) => query(prisma),
      atomic: (work) => inShortTransaction(pool, work),
    };
  }

  protected async run<T>(operation: string, work: (place: QueryPlace) => Promise<T>): Promise<T> {
    try {
      return await work(this.#place);
    } catch (error) {
      throw toDatabaseError(operation, error);
    }
  }

  async beginTx(): Promise<LedgerTransaction> {
    try {
      return new PostgresTxRepository(await openTransaction(this.#pool), this.#routingPool, this.#prisma, this.copyThreshold);
    } catch (error) {
      throw toDatabaseError('beginTx', error);
    }
  }

  async withTransaction<T>(work: (tx: LedgerTransaction) => Promise<T>): Promise<T> {
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

  /** Idempotent. Ends the repository's read pool, and the pool only if the repository created it. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#prisma.$disconnect();
    await this.#readPool.end();
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
