import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { buildFunnel } from '../../reports/funnel-report.js';
import { ALL_NAMESPACES, loadGoalReport } from '../../reports/goal-report.js';
import { renderPage } from '../../page/render-page.js';
import { idValue, parseParameters } from '../query-parameters.js';
import type { ReportingContext } from '../reporting-context.js';
import { challengeOverview } from './goal-routes.js';

/** The select lists this many; more are reachable with ?namespace= (the page says so). */
const NAMESPACES_IN_SELECT = 200;

const pageQuery = z.strictObject({ namespace: z.union([z.literal(''), idValue]).optional() });

/** Content-Security-Policy: everything from this origin; ECharts sets inline styles on its own elements. */
const PAGE_POLICY = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

export function registerPageRoutes(app: FastifyInstance, context: ReportingContext): void {
  app.get('/', async (request, reply) => {
    const query = parseParameters(pageQuery, request.query);
    // the namespace select submits '' for "all namespaces"
    const namespace = query.namespace === '' ? undefined : query.namespace;
    const [report, namespaces] = await Promise.all([
      loadGoalReport(context.prisma, context.catalogue, { namespace, challengeId: undefined }),
      context.prisma.reportingNamespacePlayers.findMany({ where: { namespace: { not: ALL_NAMESPACES } }, orderBy: { namespace: 'asc' }, take: NAMESPACES_IN_SELECT + 1 }),
    ]);
    const challenges = challengeOverview(context, report.rows, report.playersSeen).map((challenge) => {
      const endGoalId = context.catalogue.chainEnds(challenge.challengeId)[0]?.goal.id ?? null;
      return { ...challenge, funnel: { endGoalId, steps: buildFunnel(context.catalogue, report, endGoalId ?? undefined, 'completed') } };
    });
    const html = renderPage({ snapshot: report.snapshot, namespace, namespaces: namespaces.slice(0, NAMESPACES_IN_SELECT), moreNamespaces: namespaces.length > NAMESPACES_IN_SELECT, playersSeen: report.playersSeen, challenges, goals: report.rows });
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-security-policy', PAGE_POLICY)
      .header('x-content-type-options', 'nosniff')
      .send(html);
  });
}
