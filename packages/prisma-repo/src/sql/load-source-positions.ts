import type { PrismaClient } from '../generated/prisma/client.js';

export function loadSourcePositions(
  prisma: PrismaClient,
  source: string,
): Promise<{ source: string; partition: string; position: bigint }[]> {
  return prisma.sourcePosition.findMany({
    where: { source },
    select: { source: true, partition: true, position: true },
    orderBy: { partition: 'asc' },
  });
}
