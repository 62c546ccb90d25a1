import type pg from 'pg';

/** Workers of the source whose heartbeat has not expired (database clock). */
export async function countLiveWorkers(db: pg.Pool | pg.ClientBase, source: string): Promise<number> {
  const result = await db.query<{ live: number }>({
    name: 'goals.count-live-workers',
    text: `
      SELECT count(*)::int AS live
        FROM worker_heartbeats
       WHERE source = $1 AND expires_at > now()`,
    values: [source],
  });
  return result.rows[0]?.live ?? 0;
}
