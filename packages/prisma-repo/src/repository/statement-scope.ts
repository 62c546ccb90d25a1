import type pg from 'pg';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { OpenTransaction } from './open-transaction.js';

/**
 * Where the statements of one repository call run. The repository's scope
 * uses the pool (and a short transaction of its own when a call needs several
 * statements); a TxRepository's scope puts everything on its connection.
 */
export interface StatementScope {
  /** A Prisma call, on the scope's connection. */
  prisma<T>(work: (prisma: PrismaClient) => Promise<T>): Promise<T>;
  /** One raw pg statement. */
  raw<T>(work: (db: pg.Pool | pg.ClientBase) => Promise<T>): Promise<T>;
  /** Several raw statements, all or nothing, on one connection. */
  atomic<T>(work: (tx: OpenTransaction) => Promise<T>): Promise<T>;
}
