import type pg from 'pg';

/** Resolves a failed migration as rolled back (what `prisma migrate resolve --rolled-back` does); returns the rows resolved. */
export async function markMigrationRolledBack(client: pg.ClientBase, migrationName: string): Promise<number> {
  const result = await client.query(
    `UPDATE _prisma_migrations
        SET rolled_back_at = now()
      WHERE migration_name = $1 AND finished_at IS NULL AND rolled_back_at IS NULL`,
    [migrationName],
  );
  return result.rowCount ?? 0;
}
