import type { UserGoalProgress } from '@goals/domain';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { customCatalogue, generateProgressRows, loadProgressRows, progressManifest, type ProgressManifest, type ProgressRowOptions } from '@goals/fixtures';
import pg from 'pg';
import { ReportCatalogue } from '../../src/catalogue/report-catalogue.js';
import { reportingUrlFor } from '../../src/database/reporting-url.js';
import { refreshSummaries } from '../../src/refresh/refresh-summaries.js';
import { setReportingRolePassword } from '../../src/sql/set-reporting-role-password.js';

/** The reporting role's password on test servers (embedded ones need one; trusting servers ignore it). */
export const TEST_REPORTING_PASSWORD = 'goals-reporting-test';

/**
 * A small population loaded by the fixtures app, in three namespaces:
 *   fixtures — every user × every goal (the manifest is the oracle);
 *   other    — other users (ids renamed `other-…`), rows of the first challenge only,
 *              so the other challenges' goals have players seen without a row;
 *   odd      — a few rows whose ids hold CSV and SQL metacharacters.
 */
export interface SeededPopulation {
  database: TestDatabase;
  ownerUrl: string;
  reportingUrl: string;
  catalogue: ReportCatalogue;
  main: { options: ProgressRowOptions; manifest: ProgressManifest; rows: UserGoalProgress[] };
  other: { manifest: ProgressManifest; rows: UserGoalProgress[]; users: number };
  odd: { rows: UserGoalProgress[] };
  /** every row loaded, all namespaces */
  allRows: UserGoalProgress[];
}

export const ODD_USER_IDS = ['comma,user', 'quote"user', 'line\nbreak', "o'; DROP TABLE user_goal_progress; --", 'percent%_user', 'back\\slash', 'ünï-cødé ✓'];

export async function seedPopulation(): Promise<SeededPopulation> {
  const database = await createTestDatabase();
  const catalogue = customCatalogue({ seed: 5, challenges: 3, goalsPerChallenge: 8, prerequisiteChainLength: 4 });
  const start = new Date('2026-11-01T00:00:00Z');
  const mainOptions: ProgressRowOptions = { seed: 3, catalogue, users: 40, start, days: 10, namespace: 'fixtures' };
  const mainRows = [...generateProgressRows(mainOptions)];

  const firstChallenge = catalogue.challenges.slice(0, 1);
  const otherOptions: ProgressRowOptions = { seed: 4, catalogue: { challenges: firstChallenge }, users: 15, start, days: 10, namespace: 'other' };
  const otherRows = [...generateProgressRows(otherOptions)].map((row) => ({ ...row, userId: `other-${row.userId}` }));

  const firstGoal = catalogue.challenges[0]?.goals[0];
  if (firstGoal === undefined) throw new Error('the test catalogue has no goal');
  const oddRows: UserGoalProgress[] = ODD_USER_IDS.map((userId, index) => ({
    userId,
    goalId: firstGoal.id,
    challengeId: catalogue.challenges[0]?.id ?? '',
    namespace: 'odd',
    progress: index,
    status: index === 0 ? 'not_started' : 'in_progress',
    completedAt: null,
    claimedAt: null,
    createdAt: new Date('2026-11-02T10:00:00Z'),
    updatedAt: new Date('2026-11-02T10:00:00Z'),
  }));

  await loadProgressRows({ connectionString: database.url, reset: true, rows: mainRows });
  await loadProgressRows({ connectionString: database.url, rows: [...otherRows, ...oddRows] });
  await refreshSummaries(database.url);

  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  try {
    await setReportingRolePassword(admin, TEST_REPORTING_PASSWORD);
  } finally {
    await admin.end();
  }
  return {
    database,
    ownerUrl: database.url,
    reportingUrl: reportingUrlFor(database.url, TEST_REPORTING_PASSWORD),
    catalogue: new ReportCatalogue(catalogue),
    main: { options: mainOptions, manifest: progressManifest(mainOptions), rows: mainRows },
    other: { manifest: progressManifest(otherOptions), rows: otherRows, users: 15 },
    odd: { rows: oddRows },
    allRows: [...mainRows, ...otherRows, ...oddRows],
  };
}
