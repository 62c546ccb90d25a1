import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import type { ReportCatalogue } from '../catalogue/report-catalogue.js';
import { openReportingDatabase, type ReportingDatabase } from '../database/reporting-database.js';
import { buildServer } from '../http/build-server.js';

export interface StartReportingServerOptions {
  /** The reporting role's URL (REPORTING_DATABASE_URL): SELECT only. */
  databaseUrl: string;
  catalogue: ReportCatalogue;
  host?: string;
  /** 0 = any free port */
  port?: number;
  logger?: FastifyServerOptions['logger'];
}

export interface RunningReportingServer {
  app: FastifyInstance;
  database: ReportingDatabase;
  /** e.g. http://127.0.0.1:8090/ */
  url: string;
  /** Stops accepting connections, lets requests in flight finish, then closes the pool. */
  close(): Promise<void>;
}

export async function startReportingServer(options: StartReportingServerOptions): Promise<RunningReportingServer> {
  const database = openReportingDatabase(options.databaseUrl);
  const app = buildServer({ prisma: database.prisma, catalogue: options.catalogue }, { logger: options.logger ?? { level: 'info' } });
  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0 });
  } catch (error) {
    await database.close();
    throw error;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/`;
  let closing: Promise<void> | undefined;
  return {
    app,
    database,
    url,
    close() {
      closing ??= (async () => {
        await app.close();
        await database.close();
      })();
      return closing;
    },
  };
}
