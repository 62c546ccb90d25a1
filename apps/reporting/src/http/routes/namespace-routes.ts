import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CsvColumn } from '../../csv/csv-rows.js';
import { ALL_NAMESPACES } from '../../reports/goal-report.js';
import { readSummarySnapshot } from '../../reports/summary-snapshot.js';
import { DEFAULT_PAGE_SIZE, paginationFields, parseParameters } from '../query-parameters.js';
import type { ReportingContext } from '../reporting-context.js';
import { responseFormat, sendCsv } from '../send-list.js';

const namespacesQuery = z.strictObject({ ...paginationFields });
const COLUMNS: readonly CsvColumn<{ namespace: string; players: number }>[] = [
  { header: 'namespace', value: (r) => r.namespace },
  { header: 'players', value: (r) => r.players },
];

export function registerNamespaceRoutes(app: FastifyInstance, context: ReportingContext): void {
  app.get('/api/namespaces', async (request, reply) => {
    const query = parseParameters(namespacesQuery, request.query);
    const offset = query.offset ?? 0;
    const csv = responseFormat(request, query.format) === 'csv';
    const limit = csv ? query.limit : (query.limit ?? DEFAULT_PAGE_SIZE);
    const where = { namespace: { not: ALL_NAMESPACES } };
    const [snapshot, total, items] = await Promise.all([
      readSummarySnapshot(context.prisma),
      context.prisma.reportingNamespacePlayers.count({ where }),
      context.prisma.reportingNamespacePlayers.findMany({ where, orderBy: { namespace: 'asc' }, skip: offset, ...(limit === undefined ? {} : { take: limit }) }),
    ]);
    if (csv) return sendCsv(reply, 'namespaces', COLUMNS, items);
    return { asOf: snapshot?.asOf ?? null, total, limit, offset, items };
  });
}
