import type pg from 'pg';

/** On graceful shutdown: the others count one live worker less at once, not after the TTL. */
export async function removeWorkerHeartbeat(db: pg.Pool | pg.ClientBase, source: string, workerId: string): Promise<void> {
  await db.query({
    name: 'goals.remove-worker-heartbeat',
    text: 'DELETE FROM worker_heartbeats WHERE source = $1 AND worker_id = $2',
    values: [source, workerId],
  });
}
