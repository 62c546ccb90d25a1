import { startDatabase } from '@goals/database';
import pg from 'pg';

/**
 * A scratch database for a benchmark, emptied: `name` on DATABASE_URL's
 * server, or on an embedded PostgreSQL when DATABASE_URL is unset.
 */
export async function openBenchDatabase(name: string): Promise<{ url: string; stop(): Promise<void> }> {
  const started = await startDatabase({ databaseName: name, instanceName: 'bench' });
  const client = new pg.Client({ connectionString: started.url });
  await client.connect();
  await client.query('TRUNCATE user_goal_progress, source_positions, dead_letters');
  await client.end();
  return { url: started.url, stop: () => started.stop() };
}
