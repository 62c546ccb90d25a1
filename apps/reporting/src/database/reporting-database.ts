import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export interface ReportingDatabaseOptions {
  /** Pool size; reads are short, so a few connections serve many requests. Default 10. */
  maxConnections?: number;
  /** Server-side bound on any one statement, so a slow query cannot hang a request. Default 10 000 ms. */
  statementTimeoutMs?: number;
}

/** The app's one pool and one PrismaClient (the first query of a client costs ~280 ms: keep one per process). */
export interface ReportingDatabase {
  readonly prisma: PrismaClient;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

/**
 * Connects as the reporting role. Every connection runs with TimeZone=UTC:
 * @prisma/adapter-pg 7.10 reads a timestamptz by replacing its offset with
 * +00:00 and sends Dates without a zone, which is only right in UTC
 * (packages/prisma-repo/README.md), and UTC days are what reports count.
 */
export function openReportingDatabase(connectionString: string, options: ReportingDatabaseOptions = {}): ReportingDatabase {
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 60_000,
    statement_timeout: options.statementTimeoutMs ?? 10_000,
    application_name: 'goals-reporting',
    options: '-c TimeZone=UTC',
  });
  // an idle connection that breaks (server restart) is dropped by pg-pool and
  // replaced on the next query; without a listener Node would crash on it
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
