import type pg from 'pg';

/** Prisma counts a whole migration.sql as one step. */
export async function recordMigrationFinished(client: pg.ClientBase, id: string): Promise<void> {
  await client.query(
    `UPDATE _prisma_migrations
        SET applied_steps_count = applied_steps_count + 1,
            finished_at = now()
      WHERE id = $1`,
    [id],
  );
}
