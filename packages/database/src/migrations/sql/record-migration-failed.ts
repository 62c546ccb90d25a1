import type pg from 'pg';

/** finished_at stays NULL: that is how Prisma (and the next run) recognise an unresolved failure. */
export async function recordMigrationFailed(client: pg.ClientBase, id: string, logs: string): Promise<void> {
  await client.query(`UPDATE _prisma_migrations SET logs = $2 WHERE id = $1`, [id, logs]);
}
