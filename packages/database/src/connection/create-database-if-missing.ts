import pg from 'pg';

const DUPLICATE_DATABASE = '42P04';

/**
 * CREATE DATABASE has no IF NOT EXISTS; two processes starting at once may
 * both see it missing, so losing that race counts as success.
 * Returns true when this call created it.
 */
export async function createDatabaseIfMissing(adminUrl: string, databaseName: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    const { rowCount } = await client.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [databaseName]);
    if (rowCount !== null && rowCount > 0) return false;
    try {
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(databaseName)}`);
      return true;
    } catch (error) {
      if (error instanceof pg.DatabaseError && error.code === DUPLICATE_DATABASE) return false;
      throw error;
    }
  } finally {
    await client.end();
  }
}
