import { migrate, startDatabase } from '@goals/database';
import pg from 'pg';

/**
 * A scratch database for a benchmark: on DATABASE_URL's server it is dropped,
 * created and migrated; without DATABASE_URL an embedded PostgreSQL serves it.
 */
export async function openBenchDatabase(name: string): Promise<{ url: string; stop(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl) {
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    await migrate(url.toString());
    return { url: url.toString(), stop: async () => {} };
  }
  const started = await startDatabase({ databaseName: name, instanceName: 'bench' });
  const client = new pg.Client({ connectionString: started.url });
  await client.connect();
  await client.query('TRUNCATE user_goal_progress, source_positions, dead_letters');
  await client.end();
  return { url: started.url, stop: () => started.stop() };
}
