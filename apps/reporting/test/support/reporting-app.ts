import type { FastifyInstance } from 'fastify';
import { openReportingDatabase, type ReportingDatabase } from '../../src/database/reporting-database.js';
import { buildServer } from '../../src/http/build-server.js';
import type { SeededPopulation } from './seeded-population.js';

/** The real server on the reporting role's connection, driven with fastify.inject (no port). */
export interface ReportingApp {
  app: FastifyInstance;
  database: ReportingDatabase;
  getJson<T = Record<string, unknown>>(url: string): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function openReportingApp(population: SeededPopulation): Promise<ReportingApp> {
  const database = openReportingDatabase(population.reportingUrl);
  const app = buildServer({ prisma: database.prisma, catalogue: population.catalogue }, { logger: false });
  await app.ready();
  return {
    app,
    database,
    async getJson<T>(url: string) {
      const response = await app.inject({ method: 'GET', url });
      return { status: response.statusCode, body: response.json<T>() };
    },
    async close() {
      await app.close();
      await database.close();
    },
  };
}
