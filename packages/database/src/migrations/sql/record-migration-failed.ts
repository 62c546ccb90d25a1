import { randomUUID } from 'node:crypto';
import type pg from 'pg';

/**
 * A failed migration's row, written after its transaction rolled back:
 * finished_at stays NULL, which is how Prisma (and the next run) recognise an
 * unresolved failure; `logs` says what failed.
 */
export async function recordMigrationFailed(client: pg.ClientBase, migrationName: string, checksum: string, logs: string): Promise<void> {
  await client.query(
    `INSERT INTO _prisma_migrations (id, checksum, started_at, migration_name, logs)
     VALUES ($1, $2, now(), $3, $4)`,
    [randomUUID(), checksum, migrationName, logs],
  );
}
