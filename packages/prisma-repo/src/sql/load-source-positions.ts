import type { SourcePosition } from '@goals/domain';
import type { QueryPlace } from '../connection/query-place.js';

const SELECT = { source: true, partition: true, position: true, checkpoint: true, fingerprint: true } as const;

export async function loadSourcePositions(place: QueryPlace, source: string): Promise<SourcePosition[]> {
  const rows = await place.prisma((prisma) => prisma.sourcePosition.findMany({ where: { source }, select: SELECT, orderBy: { partition: 'asc' } }));
  return rows.map(toSourcePosition);
}

/** Positions of every source with this fingerprint (the same content stored under any name). */
export async function findSourcesByFingerprint(place: QueryPlace, fingerprint: string): Promise<SourcePosition[]> {
  const rows = await place.prisma((prisma) =>
    prisma.sourcePosition.findMany({ where: { fingerprint }, select: SELECT, orderBy: [{ source: 'asc' }, { partition: 'asc' }] }),
  );
  return rows.map(toSourcePosition);
}

/** Optional fields are left out when not stored, so a consumer that never sets them sees the plain shape. */
function toSourcePosition(row: { source: string; partition: string; position: bigint; checkpoint: string | null; fingerprint: string | null }): SourcePosition {
  const position: SourcePosition = { source: row.source, partition: row.partition, position: row.position };
  if (row.checkpoint !== null) position.checkpoint = row.checkpoint;
  if (row.fingerprint !== null) position.fingerprint = row.fingerprint;
  return position;
}
