import type { PrismaClient } from '../generated/prisma/client.js';

export interface DailyFilter {
  namespace: string | undefined;
  challengeId: string | undefined;
  goalId: string | undefined;
}

export interface DailyRow {
  /** YYYY-MM-DD, a UTC day */
  day: string;
  completions: number;
  claims: number;
}

const DAY_MS = 86_400_000;

function whereOf(filter: DailyFilter) {
  return {
    ...(filter.namespace === undefined ? {} : { namespace: filter.namespace }),
    ...(filter.challengeId === undefined ? {} : { challengeId: filter.challengeId }),
    ...(filter.goalId === undefined ? {} : { goalId: filter.goalId }),
  };
}

/** Every day from `from` to `to` (inclusive, UTC midnights), zero where nothing happened. */
export async function loadDailySeries(prisma: PrismaClient, filter: DailyFilter, from: Date, to: Date): Promise<DailyRow[]> {
  const grouped = await prisma.reportingDailyCount.groupBy({
    by: ['day'],
    where: { ...whereOf(filter), day: { gte: from, lte: to } },
    _sum: { completions: true, claims: true },
    orderBy: { day: 'asc' },
  });
  const byDay = new Map(grouped.map((row) => [row.day.toISOString().slice(0, 10), row._sum]));
  const days: DailyRow[] = [];
  for (let at = from.getTime(); at <= to.getTime(); at += DAY_MS) {
    const day = new Date(at).toISOString().slice(0, 10);
    const sums = byDay.get(day);
    days.push({ day, completions: sums?.completions ?? 0, claims: sums?.claims ?? 0 });
  }
  return days;
}

/** The first and last day with a completion or claim (for the default range), or null when there is none. */
export async function dailyExtent(prisma: PrismaClient, filter: DailyFilter): Promise<{ first: Date; last: Date } | null> {
  const extent = await prisma.reportingDailyCount.aggregate({ where: whereOf(filter), _min: { day: true }, _max: { day: true } });
  const first = extent._min.day;
  const last = extent._max.day;
  return first === null || last === null ? null : { first, last };
}
