import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { migrate } from '@goals/database';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openReportingDatabase, type ReportingDatabase } from '../src/database/reporting-database.js';
import { reportingUrlFor } from '../src/database/reporting-url.js';
import { setReportingRolePassword } from '../src/sql/set-reporting-role-password.js';
import { TEST_REPORTING_PASSWORD } from './support/seeded-population.js';

/** SQLSTATE of a refused statement: 42501 insufficient_privilege (42P01 would mean the test itself is wrong). */
async function sqlStateOf(work: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await work();
  } catch (error) {
    let current: unknown = error;
    // Prisma wraps the driver's error; walk the causes down to the SQLSTATE
    for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
      const candidate = current as { code?: unknown; cause?: unknown; meta?: { driverAdapterError?: { cause?: { originalCode?: unknown } } } };
      const original = candidate.meta?.driverAdapterError?.cause?.originalCode;
      if (typeof original === 'string' && /^[0-9A-Z]{5}$/.test(original)) return original;
      if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate.code;
      current = candidate.cause;
    }
    throw new Error(`refused without a SQLSTATE: ${String(error)}`, { cause: error });
  }
  return undefined;
}

describe('the goals_reporting role', () => {
  let database: TestDatabase;
  let reporting: ReportingDatabase;
  let reportingUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`INSERT INTO user_goal_progress (user_id, goal_id, challenge_id, namespace, progress, status) VALUES ('u1', 'g1', 'c1', 'ns', 1, 'in_progress')`);
    await setReportingRolePassword(admin, TEST_REPORTING_PASSWORD);
    await admin.end();
    reportingUrl = reportingUrlFor(database.url, TEST_REPORTING_PASSWORD);
    reporting = openReportingDatabase(reportingUrl);
  });

  afterAll(async () => {
    await reporting.close();
    await database.drop();
  });

  it('reads what the app reads, through the app connection, in UTC', async () => {
    await expect(reporting.prisma.userGoalProgress.count()).resolves.toBe(1);
    await expect(reporting.prisma.reportingGoalCount.count()).resolves.toBe(0);
    const session = await reporting.pool.query<{ user: string; zone: string }>('SELECT current_user AS user, current_setting($1) AS zone', ['TimeZone']);
    expect(session.rows[0]).toEqual({ user: 'goals_reporting', zone: 'UTC' });
  });

  it('cannot read what it does not need (worker state, migrations)', async () => {
    for (const table of ['source_positions', 'dead_letters', '_prisma_migrations']) {
      expect(await sqlStateOf(() => reporting.pool.query(`SELECT count(*) FROM "${table}"`)), table).toBe('42501');
    }
  });

  // Privileges, not the read-only default, refuse these: each runs after
  // switching the session's default back to read-write.
  const writes: [string, string][] = [
    ['INSERT', `INSERT INTO user_goal_progress (user_id, goal_id, challenge_id, namespace) VALUES ('u2', 'g1', 'c1', 'ns')`],
    ['UPDATE', `UPDATE user_goal_progress SET progress = 99`],
    ['DELETE', `DELETE FROM user_goal_progress`],
    ['TRUNCATE', `TRUNCATE user_goal_progress`],
    ['INSERT into a summary', `INSERT INTO reporting_namespace_players (namespace, players) VALUES ('x', 1)`],
    ['DELETE from a summary', `DELETE FROM reporting_goal_counts`],
    ['TRUNCATE a summary', `TRUNCATE reporting_snapshot`],
    ['CREATE TABLE', `CREATE TABLE public.reporting_was_here (id int)`],
    ['ALTER TABLE', `ALTER TABLE user_goal_progress ADD COLUMN note text`],
    ['DROP TABLE', `DROP TABLE reporting_players`],
    ['CREATE INDEX', `CREATE INDEX reporting_idx ON user_goal_progress (progress)`],
    ['CREATE FUNCTION', `CREATE FUNCTION public.reporting_fn() RETURNS int LANGUAGE sql AS 'SELECT 1'`],
    ['GRANT', `GRANT SELECT ON source_positions TO goals_reporting`],
  ];
  for (const [what, sql] of writes) {
    it(`refuses ${what}`, async () => {
      const client = await reporting.pool.connect();
      try {
        await client.query('SET default_transaction_read_only = off');
        expect(await sqlStateOf(() => client.query(sql))).toBe('42501');
      } finally {
        await client.query('RESET default_transaction_read_only');
        client.release();
      }
    });
  }

  it('refuses writes through the typed client too', async () => {
    const prisma = reporting.prisma;
    // read-only default (25006) or privileges (42501): either way nothing is written
    expect(['25006', '42501']).toContain(await sqlStateOf(() => prisma.userGoalProgress.create({ data: { userId: 'u3', goalId: 'g1', challengeId: 'c1', namespace: 'ns' } })));
    expect(['25006', '42501']).toContain(await sqlStateOf(() => prisma.userGoalProgress.updateMany({ data: { progress: 5 } })));
    expect(['25006', '42501']).toContain(await sqlStateOf(() => prisma.userGoalProgress.deleteMany({})));
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    const rows = await admin.query<{ user_id: string; progress: number }>('SELECT user_id, progress FROM user_goal_progress');
    await admin.end();
    expect(rows.rows).toEqual([{ user_id: 'u1', progress: 1 }]);
  });

  it('starts every transaction read-only by default', async () => {
    const result = await reporting.pool.query<{ value: string }>('SELECT current_setting($1) AS value', ['default_transaction_read_only']);
    expect(result.rows[0]?.value).toBe('on');
  });

  it('migrates again where the role already exists (another database on the same server)', async () => {
    const second = await createTestDatabase({ migrated: false });
    try {
      const report = await migrate(second.url);
      expect(report.applied).toContain('20261201210000_reporting');
      const admin = new pg.Client({ connectionString: second.url });
      await admin.connect();
      const grants = await admin.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.role_table_grants WHERE grantee = 'goals_reporting' AND privilege_type = 'SELECT' ORDER BY table_name`,
      );
      const others = await admin.query<{ n: string }>(`SELECT count(*) AS n FROM information_schema.role_table_grants WHERE grantee = 'goals_reporting' AND privilege_type <> 'SELECT'`);
      await admin.end();
      expect(grants.rows.map((row) => row.table_name)).toEqual([
        'reporting_daily_counts', 'reporting_goal_counts', 'reporting_namespace_players', 'reporting_players', 'reporting_snapshot', 'user_goal_progress',
      ]);
      expect(others.rows[0]?.n).toBe('0');
    } finally {
      await second.drop();
    }
  });
});
