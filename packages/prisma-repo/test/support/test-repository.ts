import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import type { GoalStatus, UserGoalProgress } from '@goals/domain';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { createGoalRepository, createPool, type PostgresGoalRepository, type ProgressUpsert } from '../../src/index.js';

/**
 * One throw-away database per test file, a repository on it, and a separate
 * plain pg pool for arranging and inspecting rows behind the repository's back.
 */
export interface RepositoryFixture {
  database: TestDatabase;
  repo: PostgresGoalRepository;
  /** The pool the repository uses. */
  pool: pg.Pool;
  /** Another pool, for SQL the tests run themselves. */
  admin: pg.Pool;
}

export function useRepository(options: { truncateBeforeEach?: boolean; batchCopyThreshold?: number } = {}): RepositoryFixture {
  const fixture = {} as RepositoryFixture;
  beforeAll(async () => {
    fixture.database = await createTestDatabase();
    fixture.pool = createPool(fixture.database.url, { max: 20 });
    fixture.repo = createGoalRepository({ pool: fixture.pool, batchCopyThreshold: options.batchCopyThreshold });
    fixture.admin = new pg.Pool({ connectionString: fixture.database.url, max: 5 });
    // pool.end() resolves before its connections have closed; drop() then terminates them (57P01)
    fixture.admin.on('error', () => {});
  });
  if (options.truncateBeforeEach !== false) {
    beforeEach(async () => {
      await fixture.admin.query('TRUNCATE user_goal_progress, source_positions, dead_letters');
    });
  }
  afterAll(async () => {
    // beforeAll may have failed part way: clean up what exists
    const opened: Partial<RepositoryFixture> = fixture;
    await opened.repo?.close();
    await opened.pool?.end();
    await opened.admin?.end();
    await opened.database?.drop();
  });
  return fixture;
}

/** The table as the database holds it, in key order, read with plain pg. */
export async function readTable(admin: pg.Pool): Promise<UserGoalProgress[]> {
  const { rows } = await admin.query<UserGoalProgress>(`
    SELECT user_id AS "userId", goal_id AS "goalId", challenge_id AS "challengeId", namespace,
           progress, status, completed_at AS "completedAt", claimed_at AS "claimedAt",
           created_at AS "createdAt", updated_at AS "updatedAt"
      FROM user_goal_progress ORDER BY user_id COLLATE "C", goal_id COLLATE "C"`);
  return rows;
}

export async function readRow(admin: pg.Pool, userId: string, goalId: string): Promise<UserGoalProgress | undefined> {
  const { rows } = await admin.query<UserGoalProgress>(
    `SELECT user_id AS "userId", goal_id AS "goalId", challenge_id AS "challengeId", namespace,
            progress, status, completed_at AS "completedAt", claimed_at AS "claimedAt",
            created_at AS "createdAt", updated_at AS "updatedAt"
       FROM user_goal_progress WHERE user_id = $1 AND goal_id = $2`,
    [userId, goalId],
  );
  return rows[0];
}

export async function countRows(admin: pg.Pool): Promise<number> {
  const { rows } = await admin.query<{ n: string }>('SELECT count(*) AS n FROM user_goal_progress');
  return Number(rows[0]?.n);
}

/** Writes a row directly, bypassing every repository rule (for arranging odd states). */
export async function insertRow(
  admin: pg.Pool,
  row: Partial<UserGoalProgress> & { userId: string; goalId: string; status: GoalStatus },
): Promise<void> {
  await admin.query(
    `INSERT INTO user_goal_progress (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, claimed_at, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, COALESCE($9, now()), COALESCE($10, now()))`,
    [
      row.userId,
      row.goalId,
      row.challengeId ?? 'c1',
      row.namespace ?? 'ns',
      row.progress ?? 0,
      row.status,
      row.completedAt ?? null,
      row.claimedAt ?? null,
      row.createdAt ?? null,
      row.updatedAt ?? null,
    ],
  );
}

/** Moves a row's updated_at (days simulated in SQL, not by waiting). */
export async function setUpdatedAt(admin: pg.Pool, userId: string, goalId: string, at: Date): Promise<void> {
  await admin.query('UPDATE user_goal_progress SET updated_at = $3 WHERE user_id = $1 AND goal_id = $2', [userId, goalId, at]);
}

export function upsert(overrides: Partial<ProgressUpsert> & { userId: string; goalId: string }): ProgressUpsert {
  return { challengeId: 'c1', namespace: 'ns', progress: 1, status: 'in_progress', completedAt: null, ...overrides };
}

/** Ids that break naive escaping: quotes, COPY's special bytes, SQL and JSON syntax, astral characters. */
export const NASTY_IDS: readonly string[] = [
  `o'brien`,
  'say "hi"',
  'tab\there',
  'new\nline',
  'carriage\rreturn',
  'back\\slash',
  '\\N',
  '\\.',
  'emoji 🎮🏆',
  '{"json":[1,2]}',
  '{a,b}',
  'NULL',
  ' leading and trailing ',
  '$1; DROP TABLE user_goal_progress; --',
  'é'.repeat(100),
  '🎮'.repeat(100),
];

export const day = (iso: string): Date => new Date(iso);
