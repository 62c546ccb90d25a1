import type pg from 'pg';

export interface MigrationRecord {
  readonly id: string;
  readonly migrationName: string;
  readonly checksum: string;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly rolledBackAt: Date | null;
  readonly logs: string | null;
}

export async function listMigrationRecords(client: pg.ClientBase): Promise<MigrationRecord[]> {
  const { rows } = await client.query<MigrationRecord>(`
    SELECT id,
           migration_name AS "migrationName",
           checksum,
           started_at     AS "startedAt",
           finished_at    AS "finishedAt",
           rolled_back_at AS "rolledBackAt",
           logs
      FROM _prisma_migrations
     ORDER BY started_at, migration_name
  `);
  return rows;
}
