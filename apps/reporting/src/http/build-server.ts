import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { InvalidParameterError, ReportingError } from '../errors/reporting-error.js';
import { readSummarySnapshot } from '../reports/summary-snapshot.js';
import type { ReportingContext } from './reporting-context.js';
import { registerAssetRoutes } from './routes/asset-routes.js';
import { registerDailyRoutes } from './routes/daily-routes.js';
import { registerFunnelRoutes } from './routes/funnel-routes.js';
import { registerGoalRoutes } from './routes/goal-routes.js';
import { registerNamespaceRoutes } from './routes/namespace-routes.js';
import { registerPageRoutes } from './routes/page-routes.js';
import { registerPlayerRoutes } from './routes/player-routes.js';

export interface BuildServerOptions {
  /** pino options for fastify's logger, or false; default JSON lines at level info */
  logger?: FastifyServerOptions['logger'];
}

/** The error body of every failed request: `{ error: { code, message, parameter? } }`. */
export interface ErrorBody {
  error: { code: string; message: string; parameter?: string };
}

/**
 * The reporting HTTP server: JSON API, CSV, the page and its assets. Routes
 * only read (the role it is given cannot write anyway). Not listening yet:
 * the caller decides host and port (see main.ts), and closes it.
 */
export function buildServer(context: ReportingContext, options: BuildServerOptions = {}): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? { level: 'info' },
    // ids may be 100 characters and every one of them percent-encoded
    routerOptions: { maxParamLength: 1_000 },
    // no request may hold a connection open forever (slowloris, a stuck client)
    requestTimeout: 30_000,
    connectionTimeout: 60_000,
    keepAliveTimeout: 5_000,
    return503OnClosing: true,
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ReportingError) {
      const body: ErrorBody = { error: { code: error.code, message: error.message, ...(error instanceof InvalidParameterError ? { parameter: error.parameter } : {}) } };
      return reply.status(error.statusCode).send(body);
    }
    const statusCode = typeof (error as { statusCode?: unknown }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500;
    if (statusCode >= 400 && statusCode < 500) {
      // fastify's own refusals: a malformed URL, a body on GET, …
      const body: ErrorBody = { error: { code: 'BAD_REQUEST', message: error instanceof Error ? error.message : String(error) } };
      return reply.status(statusCode).send(body);
    }
    request.log.error({ err: error }, 'request failed');
    const body: ErrorBody = { error: { code: 'INTERNAL_ERROR', message: 'the report could not be computed; the server log has the cause' } };
    return reply.status(500).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = { error: { code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0] ?? ''}` } };
    return reply.status(404).send(body);
  });

  app.get('/healthz', async (request, reply) => {
    try {
      const snapshot = await readSummarySnapshot(context.prisma);
      return { status: 'ok', database: 'ok', asOf: snapshot?.asOf ?? null };
    } catch (error) {
      request.log.warn({ err: error }, 'health check: database unavailable');
      return reply.status(503).send({ status: 'unavailable', database: 'unreachable' });
    }
  });

  registerGoalRoutes(app, context);
  registerFunnelRoutes(app, context);
  registerDailyRoutes(app, context);
  registerPlayerRoutes(app, context);
  registerNamespaceRoutes(app, context);
  registerPageRoutes(app, context);
  registerAssetRoutes(app);
  return app;
}
