import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/**
 * The row of a migration being applied, in the same transaction as its SQL:
 * it commits only together with the migration (a kill mid-migration leaves no
 * row, so nothing looks failed).
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
