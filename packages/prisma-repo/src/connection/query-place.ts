import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { OpenTransaction } from './open-transaction.js';

/** What a raw pg statement runs on: the pool (any idle connection) or one checked-out client. */
export type PgQueryable = pg.Pool | pg.ClientBase;

/**
 * A place to run queries — the pool, or one transaction's connection. Every
 * statement in src/sql/ is written once against it; the repository hands its
 * pool's place, a TxRepository its connection's.
 */
export interface QueryPlace {
  /** Raw pg statements. */
  readonly pg: PgQueryable;
  /** Prisma's typed client, its queries sent to the same place. */
  prisma<T>(query: (prisma: PrismaClient) => Promise<T>): Promise<T>;
  /** Several statements, all or nothing, on one connection: a short transaction of the pool's, or the transaction itself. */
  atomic<T>(work: (transaction: OpenTransaction) => Promise<T>): Promise<T>;
}
