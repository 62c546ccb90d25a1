import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CsvColumn } from '../../csv/csv-rows.js';
import { buildFunnel, REACHED_STATUSES, type FunnelStep } from '../../reports/funnel-report.js';
import { loadGoalReport } from '../../reports/goal-report.js';
import { DEFAULT_PAGE_SIZE, idValue, paginationFields, parseParameters } from '../query-parameters.js';
import { pageOf, requireChallenge, requireGoal, type ReportingContext } from '../reporting-context.js';
import { responseFormat, sendCsv } from '../send-list.js';

const funnelPath = z.strictObject({ challengeId: idValue });
const funnelQuery = z.strictObject({
  namespace: idValue.optional(),
  goal: idValue.optional(),
  status: z.enum(REACHED_STATUSES, { error: `must be one of ${REACHED_STATUSES.join(', ')} (what counts as reaching a step)` }).optional(),
  ...paginationFields,
});

const STEP_COLUMNS: readonly CsvColumn<FunnelStep>[] = [
  { header: 'step', value: (r) => r.step },
  { header: 'goalId', value: (r) => r.goalId },
  { header: 'goalName', value: (r) => r.goalName },
  { header: 'target', value: (r) => r.target },
  { header: 'reached', value: (r) => r.reached },
  { header: 'shareOfSeen', value: (r) => r.shareOfSeen },
  { header: 'shareOfPrevious', value: (r) => r.shareOfPrevious },
];

export function registerFunnelRoutes(app: FastifyInstance, context: ReportingContext): void {
  app.get('/api/challenges/:challengeId/funnel', async (request, reply) => {
    const { challengeId } = parseParameters(funnelPath, request.params);
    const query = parseParameters(funnelQuery, request.query);
    requireChallenge(context, challengeId);
    requireGoal(context, query.goal, challengeId);
    const chains = context.catalogue.chainEnds(challengeId);
    const endGoalId = query.goal ?? chains[0]?.goal.id;
    const status = query.status ?? 'completed';
    // every goal, not only the challenge's: a prerequisite may live in another challenge
    const report = await loadGoalReport(context.prisma, context.catalogue, { namespace: query.namespace, challengeId: undefined });
    const steps = buildFunnel(context.catalogue, report, endGoalId, status);
    const offset = query.offset ?? 0;
    if (responseFormat(request, query.format) === 'csv') return sendCsv(reply, `funnel-${challengeId}`, STEP_COLUMNS, pageOf(steps, offset, query.limit));
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return {
      asOf: report.snapshot?.asOf ?? null,
      challengeId,
      challengeName: context.catalogue.challenge(challengeId)?.name ?? challengeId,
      namespace: query.namespace ?? null,
      goalId: endGoalId ?? null,
      status,
      playersSeen: report.playersSeen,
      chains: chains.map((chain) => ({ goalId: chain.goal.id, goalName: chain.goal.name, steps: chain.steps })),
      total: steps.length,
      limit,
      offset,
      items: pageOf(steps, offset, limit),
    };
  });
}
