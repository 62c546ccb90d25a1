import { AsyncLocalStorage } from 'node:async_hooks';
import pg from 'pg';

/**
 * What the Prisma driver adapter is given instead of the application's pool.
 *
 * Two modes, chosen per call by an AsyncLocalStorage slot:
 * - outside a repository transaction (the slot is empty), every query is
 *   forwarded to the application's pool, as if PrismaPg had the pool itself;
 * - inside `runOn(client, work)`, the adapter's queries go to `client` — the
 *   connection a TxRepository checked out and on which it issued BEGIN — so
 *   Prisma, raw pg and COPY statements share one transaction.
 * The repository, not Prisma, owns BEGIN/COMMIT, so it can see PostgreSQL's
 * answer to COMMIT (see commit-transaction.ts). Prisma asks for a connection
 * of its own (connect()) only to open a transaction; inside a repository
 * transaction that would escape it, so it is refused.
 *
 * Prisma batches findUnique calls made in the same tick into one query run in
 * the first caller's context, which could carry another caller's query into
 * (or out of) a transaction: this package never calls findUnique.
 */
export class TransactionRoutingPool extends pg.Pool {
  readonly #target: pg.Pool;
  readonly #transactionClient = new AsyncLocalStorage<pg.PoolClient>();

  constructor(target: pg.Pool) {
    // The base pool never opens a connection: every call below is forwarded.
    super({ max: 1 });
    this.#target = target;
    const route = (config: pg.QueryConfig): Promise<pg.QueryResult> =>
      (this.#transactionClient.getStore() ?? this.#target).query(config);
    const connect = (): Promise<pg.PoolClient> => {
      if (this.#transactionClient.getStore() !== undefined) {
        return Promise.reject(new Error('Prisma tried to open its own transaction inside a repository transaction; use the TxRepository methods instead'));
      }
      return this.#target.connect();
    };
    // The adapter calls only query(config) and connect(), promise style.
    this.query = route as pg.Pool['query'];
    this.connect = connect as pg.Pool['connect'];
  }

  /** Runs `work` with every Prisma query routed to `client`. */
  runOn<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
    // PrismaPromises are lazy: the query starts when `then` is first called.
    // Awaiting inside run() makes that happen inside the routed context.
    return this.#transactionClient.run(client, async () => await work());
  }
}
