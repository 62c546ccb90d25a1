import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CsvColumn } from '../../csv/csv-rows.js';
import { InvalidParameterError } from '../../errors/reporting-error.js';
import { dailyExtent, loadDailySeries, type DailyFilter, type DailyRow } from '../../reports/daily-report.js';
import { readSummarySnapshot } from '../../reports/summary-snapshot.js';
import { dayValue, idValue, paginationFields, parseParameters } from '../query-parameters.js';
import { pageOf, requireChallenge, requireGoal, type ReportingContext } from '../reporting-context.js';
import { responseFormat, sendCsv } from '../send-list.js';

/** A year, leap or not: the longest range one request may ask for. */
export const MAX_DAILY_RANGE_DAYS = 366;
const DAY_MS = 86_400_000;

const dailyQuery = z.strictObject({
  from: dayValue.optional(),
  to: dayValue.optional(),
  namespace: idValue.optional(),
  challenge: idValue.optional(),
  goal: idValue.optional(),
  status: z.enum(['completed', 'claimed'], { error: 'must be completed or claimed (which series to return)' }).optional(),
  ...paginationFields,
});

const COLUMNS: readonly CsvColumn<DailyRow>[] = [
  { header: 'day', value: (r) => r.day },
  { header: 'completions', value: (r) => r.completions },
  { header: 'claims', value: (r) => r.claims },
];

function daysBetween(from: Date, to: Date): number {
  return Math.round((to.getTime() - from.getTime()) / DAY_MS) + 1;
}

export function registerDailyRoutes(app: FastifyInstance, context: ReportingContext): void {
  app.get('/api/daily', async (request, reply) => {
    const query = parseParameters(dailyQuery, request.query);
    requireChallenge(context, query.challenge);
    requireGoal(context, query.goal, query.challenge);
    const filter = { namespace: query.namespace, challengeId: query.challenge, goalId: query.goal };
    if (query.from !== undefined && query.to !== undefined) {
      if (query.from > query.to) throw new InvalidParameterError('from', `must not be after to (${query.to.toISOString().slice(0, 10)})`);
      if (daysBetween(query.from, query.to) > MAX_DAILY_RANGE_DAYS) {
        throw new InvalidParameterError('to', `the range from ${query.from.toISOString().slice(0, 10)} is ${daysBetween(query.from, query.to)} days; at most ${MAX_DAILY_RANGE_DAYS}`);
      }
    }
    const { from, to } = query.from !== undefined && query.to !== undefined ? { from: query.from, to: query.to } : await defaultRange(context, filter, query.from, query.to);
    const [snapshot, days] = await Promise.all([readSummarySnapshot(context.prisma), loadDailySeries(context.prisma, filter, from, to)]);
    const series = query.status === undefined ? ['completions', 'claims'] : query.status === 'completed' ? ['completions'] : ['claims'];
    const columns = COLUMNS.filter((column) => column.header === 'day' || series.includes(column.header));
    const rows = days.map((row) => Object.fromEntries(columns.map((column) => [column.header, column.value(row)])));
    const offset = query.offset ?? 0;
    if (responseFormat(request, query.format) === 'csv') return sendCsv(reply, 'daily', columns, pageOf(days, offset, query.limit));
    const limit = query.limit ?? MAX_DAILY_RANGE_DAYS;
    return {
      asOf: snapshot?.asOf ?? null,
      from: from.toISOString().slice(0, 10),
      to: to.toISOString().slice(0, 10),
      namespace: query.namespace ?? null,
      challenge: query.challenge ?? null,
      goal: query.goal ?? null,
      totals: Object.fromEntries(series.map((name) => [name, days.reduce((sum, row) => sum + (name === 'completions' ? row.completions : row.claims), 0)])),
      total: rows.length,
      limit,
      offset,
      items: pageOf(rows, offset, limit),
    };
  });
}

/**
 * A missing end of the range comes from the data: up to the last day with a
 * completion or claim, back to the first one, never longer than
 * MAX_DAILY_RANGE_DAYS. With no activity at all: the given day, or today (UTC).
 */
async function defaultRange(context: ReportingContext, filter: DailyFilter, from: Date | undefined, to: Date | undefined): Promise<{ from: Date; to: Date }> {
  const extent = await dailyExtent(context.prisma, filter);
  const span = (MAX_DAILY_RANGE_DAYS - 1) * DAY_MS;
  if (from !== undefined) {
    const last = extent?.last ?? from;
    return { from, to: new Date(Math.max(from.getTime(), Math.min(from.getTime() + span, last.getTime()))) };
  }
  const end = to ?? extent?.last ?? new Date(Math.floor(Date.now() / DAY_MS) * DAY_MS);
  const first = extent?.first ?? end;
  return { from: new Date(Math.min(end.getTime(), Math.max(end.getTime() - span, first.getTime()))), to: end };
}
