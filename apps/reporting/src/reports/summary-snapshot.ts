import type { PrismaClient } from '../generated/prisma/client.js';

/** When the summaries were computed: every summary-based answer carries it as `asOf`. */
export interface SummarySnapshot {
  asOf: Date;
  durationMs: number;
  progressRows: number;
}

/** null until the first `goals-reporting refresh` has run. */
export async function readSummarySnapshot(prisma: PrismaClient): Promise<SummarySnapshot | null> {
  const row = await prisma.reportingSnapshot.findUnique({ where: { id: 1 } });
  return row === null ? null : { asOf: row.asOf, durationMs: row.durationMs, progressRows: Number(row.progressRows) };
}
