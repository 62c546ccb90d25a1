import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDatabaseName } from '../connection/database-url.js';
import type { TestDatabaseContext } from './test-database-context.js';

export interface TestDatabase {
  /** Connection string of this test's own database. */
  readonly url: string;
  readonly name: string;
  /** Drops the database, closing sessions still connected to it. Idempotent. */
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** false: an empty database (from template0), e.g. to test migrations themselves. Default true. */
  readonly migrated?: boolean;
}

/** Copying a template costs a file copy instead of replaying every migration per test. */
export async function createDatabaseFromTemplate(
  context: TestDatabaseContext,
  options: CreateTestDatabaseOptions = {},
): Promise<TestDatabase> {
  const name = `goals_test_${context.runId}_${randomBytes(4).toString('hex')}`;
  const template = options.migrated === false ? 'template0' : context.templateDatabase;
  await onAdminConnection(context.adminUrl, (client) =>
    client.query(`CREATE DATABASE ${client.escapeIdentifier(name)} TEMPLATE ${client.escapeIdentifier(template)}`),
  );
  return {
    url: withDatabaseName(context.adminUrl, name),
    name,
    // FORCE: a pool the test forgot to end must not keep the database alive.
    drop: () =>
      onAdminConnection(context.adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
      ),
  };
}

/** Drops every database of one test run; teardown's net for tests that never called drop(). */
export async function dropRunDatabases(context: TestDatabaseContext): Promise<void> {
  await onAdminConnection(context.adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
      [`goals_test_${context.runId}_`],
    );
    for (const { datname } of rows) {
      await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(datname)} WITH (FORCE)`);
    }
  });
}

async function onAdminConnection(adminUrl: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on('error', () => {});
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}
