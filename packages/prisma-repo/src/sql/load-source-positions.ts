import type { SourcePosition } from '@goals/domain';
import type { QueryPlace } from '../connection/query-place.js';

export function loadSourcePositions(place: QueryPlace, source: string): Promise<SourcePosition[]> {
  return place.prisma((prisma) =>
    prisma.sourcePosition.findMany({
      where: { source },
      select: { source: true, partition: true, position: true },
      orderBy: { partition: 'asc' },
    }),
  );
}
