import type { GoalStatus } from '@goals/domain';
import type { PrismaClient } from '../generated/prisma/client.js';

export interface PlayerSearchFilter {
  prefix: string | undefined;
  namespace: string | undefined;
  /** players with at least one goal in this status (not_started is not a player filter: the route refuses it) */
  status: Exclude<GoalStatus, 'not_started'> | undefined;
}

export interface PlayerSummaryRow {
  userId: string;
  namespace: string;
  goals: number;
  inProgress: number;
  completed: number;
  claimed: number;
  lastUpdatedAt: Date;
}

/**
 * LIKE's own wildcards in a player id are just characters: escaped with
 * PostgreSQL's default escape character before Prisma appends its `%`.
 */
export function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function whereOf(filter: PlayerSearchFilter) {
  const statusCount =
    filter.status === 'in_progress' ? { inProgress: { gt: 0 } } : filter.status === 'completed' ? { completed: { gt: 0 } } : filter.status === 'claimed' ? { claimed: { gt: 0 } } : {};
  return {
    ...(filter.prefix === undefined ? {} : { userId: { startsWith: likePrefix(filter.prefix) } }),
    ...(filter.namespace === undefined ? {} : { namespace: filter.namespace }),
    ...statusCount,
  };
}

/**
 * From the refreshed player summary (user_id COLLATE "C", so the primary key
 * serves the prefix), not the 5M-row table: a player first seen after the last
 * refresh is found by exact id (the live lookup), not by prefix yet.
 */
export function searchPlayers(prisma: PrismaClient, filter: PlayerSearchFilter, page: { offset: number; take: number | undefined }): Promise<PlayerSummaryRow[]> {
  return prisma.reportingPlayer.findMany({
    where: whereOf(filter),
    orderBy: [{ userId: 'asc' }, { namespace: 'asc' }],
    skip: page.offset,
    ...(page.take === undefined ? {} : { take: page.take }),
  });
}

export function countPlayers(prisma: PrismaClient, filter: PlayerSearchFilter): Promise<number> {
  return prisma.reportingPlayer.count({ where: whereOf(filter) });
}
