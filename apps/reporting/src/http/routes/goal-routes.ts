import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { loadGoalReport, playersWithStatus, ratio, type GoalReportRow } from '../../reports/goal-report.js';
import type { CsvColumn } from '../../csv/csv-rows.js';
import { DEFAULT_PAGE_SIZE, idValue, paginationFields, parseParameters, sortOrder, statusValue } from '../query-parameters.js';
import { pageOf, requireChallenge, type ReportingContext } from '../reporting-context.js';
import { responseFormat, sendCsv } from '../send-list.js';

const GOAL_SORT_KEYS = [
  'catalogue', 'challengeId', 'goalId', 'goalName', 'target', 'notStarted', 'inProgress', 'completed', 'claimed', 'completionRate', 'claimRate', 'medianShare',
] as const;
type GoalSortKey = (typeof GOAL_SORT_KEYS)[number];

const overviewQuery = z.strictObject({ namespace: idValue.optional(), challenge: idValue.optional(), status: statusValue.optional(), ...paginationFields });
const goalsQuery = overviewQuery.extend({
  sort: z.enum(GOAL_SORT_KEYS, { error: `must be one of ${GOAL_SORT_KEYS.join(', ')}` }).optional(),
  order: sortOrder.optional(),
});

/** Per challenge: sums over its goals (player × goal pairs). */
export interface ChallengeOverviewRow {
  challengeId: string;
  name: string;
  goals: number;
  playersSeen: number;
  notStarted: number;
  inProgress: number;
  completed: number;
  claimed: number;
  /** (completed + claimed) / (playersSeen × goals) */
  completionRate: number | null;
  /** claimed / (completed + claimed) */
  claimRate: number | null;
}

export const GOAL_COLUMNS: readonly CsvColumn<GoalReportRow>[] = [
  { header: 'challengeId', value: (r) => r.challengeId },
  { header: 'challengeName', value: (r) => r.challengeName },
  { header: 'goalId', value: (r) => r.goalId },
  { header: 'goalName', value: (r) => r.goalName },
  { header: 'type', value: (r) => r.type },
  { header: 'daily', value: (r) => r.daily },
  { header: 'target', value: (r) => r.target },
  { header: 'rewardType', value: (r) => r.rewardType },
  { header: 'rewardId', value: (r) => r.rewardId },
  { header: 'rewardQuantity', value: (r) => r.rewardQuantity },
  { header: 'prerequisites', value: (r) => r.prerequisites.join(' ') },
  { header: 'playersSeen', value: (r) => r.playersSeen },
  { header: 'notStarted', value: (r) => r.notStarted },
  { header: 'inProgress', value: (r) => r.inProgress },
  { header: 'completed', value: (r) => r.completed },
  { header: 'claimed', value: (r) => r.claimed },
  { header: 'completionRate', value: (r) => r.completionRate },
  { header: 'claimRate', value: (r) => r.claimRate },
  { header: 'medianProgress', value: (r) => r.medianProgress },
  { header: 'medianShare', value: (r) => r.medianShare },
];

const CHALLENGE_COLUMNS: readonly CsvColumn<ChallengeOverviewRow>[] = [
  { header: 'challengeId', value: (r) => r.challengeId },
  { header: 'name', value: (r) => r.name },
  { header: 'goals', value: (r) => r.goals },
  { header: 'playersSeen', value: (r) => r.playersSeen },
  { header: 'notStarted', value: (r) => r.notStarted },
  { header: 'inProgress', value: (r) => r.inProgress },
  { header: 'completed', value: (r) => r.completed },
  { header: 'claimed', value: (r) => r.claimed },
  { header: 'completionRate', value: (r) => r.completionRate },
  { header: 'claimRate', value: (r) => r.claimRate },
];

export function challengeOverview(context: ReportingContext, rows: readonly GoalReportRow[], playersSeen: number): ChallengeOverviewRow[] {
  const byChallenge = new Map<string, ChallengeOverviewRow>();
  for (const row of rows) {
    let entry = byChallenge.get(row.challengeId);
    if (entry === undefined) {
      entry = { challengeId: row.challengeId, name: row.challengeName, goals: 0, playersSeen, notStarted: 0, inProgress: 0, completed: 0, claimed: 0, completionRate: null, claimRate: null };
      byChallenge.set(row.challengeId, entry);
    }
    entry.goals++;
    entry.notStarted += row.notStarted;
    entry.inProgress += row.inProgress;
    entry.completed += row.completed;
    entry.claimed += row.claimed;
  }
  // catalogue order, including challenges without goals
  return context.catalogue.challenges.flatMap((challenge) => {
    const entry = byChallenge.get(challenge.id);
    if (entry === undefined) return [];
    entry.completionRate = ratio(entry.completed + entry.claimed, entry.playersSeen * entry.goals);
    entry.claimRate = ratio(entry.claimed, entry.completed + entry.claimed);
    return [entry];
  });
}

function compareGoals(key: GoalSortKey): (a: GoalReportRow, b: GoalReportRow) => number {
  if (key === 'catalogue') return () => 0;
  return (a, b) => {
    const x = a[key];
    const y = b[key];
    if (x === y) return 0;
    if (x === null || y === null) return 0; // nulls go last in both orders: sortGoals places them
    return x < y ? -1 : 1;
  };
}

export function sortGoals(rows: readonly GoalReportRow[], key: GoalSortKey, order: 'asc' | 'desc'): GoalReportRow[] {
  const compare = compareGoals(key);
  const direction = order === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const aNull = key !== 'catalogue' && a[key] === null;
    const bNull = key !== 'catalogue' && b[key] === null;
    if (aNull !== bNull) return aNull ? 1 : -1;
    // Array.prototype.sort is stable: ties keep catalogue order, so pages are stable
    return compare(a, b) * direction;
  });
}

export function registerGoalRoutes(app: FastifyInstance, context: ReportingContext): void {
  app.get('/api/overview', async (request, reply) => {
    const query = parseParameters(overviewQuery, request.query);
    requireChallenge(context, query.challenge);
    const report = await loadGoalReport(context.prisma, context.catalogue, { namespace: query.namespace, challengeId: query.challenge });
    let challenges = challengeOverview(context, report.rows, report.playersSeen);
    if (query.status !== undefined) {
      const status = query.status;
      const wanted = new Set(report.rows.filter((row) => playersWithStatus(row, status) > 0).map((row) => row.challengeId));
      challenges = challenges.filter((row) => wanted.has(row.challengeId));
    }
    const offset = query.offset ?? 0;
    if (responseFormat(request, query.format) === 'csv') return sendCsv(reply, 'challenges', CHALLENGE_COLUMNS, pageOf(challenges, offset, query.limit));
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return {
      asOf: report.snapshot?.asOf ?? null,
      namespace: query.namespace ?? null,
      playersSeen: report.playersSeen,
      uncataloguedGoals: report.uncataloguedGoals,
      total: challenges.length,
      limit,
      offset,
      items: pageOf(challenges, offset, limit),
    };
  });

  app.get('/api/goals', async (request, reply) => {
    const query = parseParameters(goalsQuery, request.query);
    requireChallenge(context, query.challenge);
    const report = await loadGoalReport(context.prisma, context.catalogue, { namespace: query.namespace, challengeId: query.challenge });
    const status = query.status;
    const filtered = status === undefined ? report.rows : report.rows.filter((row) => playersWithStatus(row, status) > 0);
    const sorted = sortGoals(filtered, query.sort ?? 'catalogue', query.order ?? 'asc');
    const offset = query.offset ?? 0;
    if (responseFormat(request, query.format) === 'csv') return sendCsv(reply, 'goals', GOAL_COLUMNS, pageOf(sorted, offset, query.limit));
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    return {
      asOf: report.snapshot?.asOf ?? null,
      namespace: query.namespace ?? null,
      playersSeen: report.playersSeen,
      uncataloguedGoals: report.uncataloguedGoals,
      total: sorted.length,
      limit,
      offset,
      items: pageOf(sorted, offset, limit),
    };
  });
}
