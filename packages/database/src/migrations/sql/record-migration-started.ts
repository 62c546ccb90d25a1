import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/**
 * Written (and committed) before the migration runs, as Prisma does: if the
 * process dies mid-migration the row stays with finished_at NULL, and the
 * next run refuses instead of guessing.
 */
export async function recordMigrationStarted(client: pg.ClientBase, migrationName: string, checksum: string): Promise<string> {
  const id = randomUUID();
  await client.query(
    `INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name)
     VALUES ($1, $2, now(), $3)`,
    [id, checksum, migrationName],
  );
  return id;
}
