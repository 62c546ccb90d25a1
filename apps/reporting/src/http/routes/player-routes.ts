import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { CsvColumn } from '../../csv/csv-rows.js';
import { NotFoundError } from '../../errors/reporting-error.js';
import { pagedRows } from '../../reports/paged-rows.js';
import { countPlayerProgress, loadPlayerProgress, playerExists, type PlayerProgressRow } from '../../reports/player-report.js';
import { countPlayers, searchPlayers, type PlayerSummaryRow } from '../../reports/player-search.js';
import { readSummarySnapshot } from '../../reports/summary-snapshot.js';
import { DEFAULT_PAGE_SIZE, idValue, paginationFields, parseParameters, statusValue } from '../query-parameters.js';
import { requireChallenge, type ReportingContext } from '../reporting-context.js';
import { responseFormat, sendCsv } from '../send-list.js';

const playerPath = z.strictObject({ userId: idValue });
const playerQuery = z.strictObject({ namespace: idValue.optional(), challenge: idValue.optional(), status: statusValue.optional(), ...paginationFields });
const searchQuery = z.strictObject({
  prefix: idValue.optional(),
  namespace: idValue.optional(),
  status: z.enum(['in_progress', 'completed', 'claimed'], { error: 'must be in_progress, completed or claimed (players with at least one goal in it)' }).optional(),
  ...paginationFields,
});

const PROGRESS_COLUMNS: readonly CsvColumn<PlayerProgressRow>[] = [
  { header: 'userId', value: (r) => r.userId },
  { header: 'namespace', value: (r) => r.namespace },
  { header: 'challengeId', value: (r) => r.challengeId },
  { header: 'challengeName', value: (r) => r.challengeName },
  { header: 'goalId', value: (r) => r.goalId },
  { header: 'goalName', value: (r) => r.goalName },
  { header: 'progress', value: (r) => r.progress },
  { header: 'target', value: (r) => r.target },
  { header: 'share', value: (r) => r.share },
  { header: 'status', value: (r) => r.status },
  { header: 'completedAt', value: (r) => r.completedAt },
  { header: 'claimedAt', value: (r) => r.claimedAt },
  { header: 'updatedAt', value: (r) => r.updatedAt },
];

const PLAYER_COLUMNS: readonly CsvColumn<PlayerSummaryRow>[] = [
  { header: 'userId', value: (r) => r.userId },
  { header: 'namespace', value: (r) => r.namespace },
  { header: 'goals', value: (r) => r.goals },
  { header: 'inProgress', value: (r) => r.inProgress },
  { header: 'completed', value: (r) => r.completed },
  { header: 'claimed', value: (r) => r.claimed },
  { header: 'lastUpdatedAt', value: (r) => r.lastUpdatedAt },
];

export function registerPlayerRoutes(app: FastifyInstance, context: ReportingContext): void {
  app.get('/api/players', async (request, reply) => {
    const query = parseParameters(searchQuery, request.query);
    const filter = { prefix: query.prefix, namespace: query.namespace, status: query.status };
    const offset = query.offset ?? 0;
    if (responseFormat(request, query.format) === 'csv') {
      return sendCsv(reply, 'players', PLAYER_COLUMNS, pagedRows((skip, take) => searchPlayers(context.prisma, filter, { offset: skip, take }), offset, query.limit));
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const [snapshot, total, items] = await Promise.all([
      readSummarySnapshot(context.prisma),
      countPlayers(context.prisma, filter),
      searchPlayers(context.prisma, filter, { offset, take: limit }),
    ]);
    return { asOf: snapshot?.asOf ?? null, prefix: query.prefix ?? null, namespace: query.namespace ?? null, total, limit, offset, items };
  });

  app.get('/api/players/:userId', async (request, reply) => {
    const { userId } = parseParameters(playerPath, request.params);
    const query = parseParameters(playerQuery, request.query);
    requireChallenge(context, query.challenge);
    const filter = { namespace: query.namespace, challengeId: query.challenge, status: query.status };
    const offset = query.offset ?? 0;
    const csv = responseFormat(request, query.format) === 'csv';
    const limit = csv ? query.limit : (query.limit ?? DEFAULT_PAGE_SIZE);
    const [total, firstPage] = await Promise.all([
      countPlayerProgress(context.prisma, userId, filter),
      loadPlayerProgress(context.prisma, context.catalogue, userId, filter, { offset, take: csv ? Math.min(limit ?? 1_000, 1_000) : limit }),
    ]);
    if (total === 0 && !(await playerExists(context.prisma, userId))) {
      throw new NotFoundError('PLAYER_NOT_FOUND', `player ${JSON.stringify(userId)} has no progress`);
    }
    if (csv) {
      const rest = (skip: number, take: number) => loadPlayerProgress(context.prisma, context.catalogue, userId, filter, { offset: skip, take });
      return sendCsv(reply, 'player-progress', PROGRESS_COLUMNS, concatPages(firstPage, rest, offset, limit));
    }
    return { userId, namespace: query.namespace ?? null, challenge: query.challenge ?? null, status: query.status ?? null, live: true, total, limit, offset, items: firstPage };
  });
}

/** The first page already fetched (it decided the 404), then the rest page by page. */
async function* concatPages<Row>(first: Row[], fetchPage: (offset: number, take: number) => Promise<Row[]>, offset: number, limit: number | undefined): AsyncGenerator<Row> {
  yield* first;
  if (first.length < 1_000 || (limit !== undefined && first.length >= limit)) return;
  yield* pagedRows(fetchPage, offset + first.length, limit === undefined ? undefined : limit - first.length);
}
