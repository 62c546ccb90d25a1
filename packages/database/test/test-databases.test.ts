import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { createTestDatabase } from '../src/testing/index.js';

async function scalar(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ value: unknown }>(sql);
    return rows[0]?.value;
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  it('gives each caller its own migrated database, isolated from the others', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      expect(a.name).not.toBe(b.name);
      await scalar(a.url, `INSERT INTO source_positions (source, partition, position) VALUES ('s', '0', 1) RETURNING 1 AS value`);
      expect(await scalar(a.url, 'SELECT count(*)::int AS value FROM source_positions')).toBe(1);
      expect(await scalar(b.url, 'SELECT count(*)::int AS value FROM source_positions')).toBe(0);
      expect(await scalar(b.url, 'SELECT count(*)::int AS value FROM _prisma_migrations WHERE finished_at IS NOT NULL')).toBe(5);
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  });

  it('drop() removes the database even with sessions still connected, and may be called twice', async () => {
    const database = await createTestDatabase();
    const leftOpen = new pg.Client({ connectionString: database.url });
    leftOpen.on('error', () => {});
    await leftOpen.connect();

    await database.drop();
    await database.drop();

    const admin = inject('goalsTestDatabase').adminUrl;
    expect(await scalar(admin, `SELECT count(*)::int AS value FROM pg_database WHERE datname = '${database.name}'`)).toBe(0);
    await leftOpen.end().catch(() => {});
  });

  it('can hand out an empty database for migration tests', async () => {
    const database = await createTestDatabase({ migrated: false });
    try {
      expect(await scalar(database.url, `SELECT to_regclass('_prisma_migrations') IS NULL AS value`)).toBe(true);
    } finally {
      await database.drop();
    }
  });
});
