import type pg from 'pg';

/**
 * Prisma's own DDL for its history table (schema-engine, postgres flavour
 * `create_migrations_table`), so `prisma migrate deploy` later finds exactly
 * the table it would have created.
 */
export async function createMigrationsTableIfMissing(client: pg.ClientBase): Promise<void> {
  const { rows } = await client.query<{ exists: boolean }>(
    `SELECT to_regclass('_prisma_migrations') IS NOT NULL AS "exists"`,
  );
  if (rows[0]?.exists === true) return;
  await client.query(`
    CREATE TABLE _prisma_migrations (
        id                      VARCHAR(36) PRIMARY KEY NOT NULL,
        checksum                VARCHAR(64) NOT NULL,
        finished_at             TIMESTAMPTZ,
        migration_name          VARCHAR(255) NOT NULL,
        logs                    TEXT,
        rolled_back_at          TIMESTAMPTZ,
        started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
        applied_steps_count     INTEGER NOT NULL DEFAULT 0
    );
  `);
}
