import type pg from 'pg';

/** This worker is live for `ttlMs` more (database clock). */
export async function beatWorkerHeartbeat(db: pg.Pool | pg.ClientBase, source: string, workerId: string, ttlMs: number): Promise<void> {
  await db.query({
    name: 'goals.beat-worker-heartbeat',
    text: `
      INSERT INTO worker_heartbeats (source, worker_id, expires_at)
      VALUES ($1, $2, now() + $3::int * interval '1 millisecond')
      ON CONFLICT (source, worker_id) DO UPDATE SET expires_at = EXCLUDED.expires_at`,
    values: [source, workerId, ttlMs],
  });
}
