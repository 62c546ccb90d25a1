import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { customCatalogue, generateProgressRows, loadProgressRows, progressManifest, type ProgressRowOptions } from '@goals/fixtures';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReportCatalogue } from '../src/catalogue/report-catalogue.js';
import { reportingUrlFor } from '../src/database/reporting-url.js';
import { refreshSummaries } from '../src/refresh/refresh-summaries.js';
import { setReportingRolePassword } from '../src/sql/set-reporting-role-password.js';
import { openReportingApp, type ReportingApp } from './support/reporting-app.js';
import { TEST_REPORTING_PASSWORD, type SeededPopulation } from './support/seeded-population.js';

interface GoalItem { goalId: string; notStarted: number; inProgress: number; completed: number; claimed: number; medianProgress: number | null }

let database: TestDatabase;
let reporting: ReportingApp;
const catalogue = customCatalogue({ seed: 9, challenges: 2, goalsPerChallenge: 5 });
const options: ProgressRowOptions = { seed: 9, catalogue, users: 30, start: new Date('2026-11-01T00:00:00Z'), days: 5 };

beforeAll(async () => {
  database = await createTestDatabase();
  await loadProgressRows({ connectionString: database.url, reset: true, rows: generateProgressRows(options) });
  const admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  await setReportingRolePassword(admin, TEST_REPORTING_PASSWORD);
  await admin.end();
  // only the fields openReportingApp reads
  const population = { reportingUrl: reportingUrlFor(database.url, TEST_REPORTING_PASSWORD), catalogue: new ReportCatalogue(catalogue) } as SeededPopulation;
  reporting = await openReportingApp(population);
});

afterAll(async () => {
  await reporting.close();
  await database.drop();
});

describe('goals-reporting refresh', () => {
  it('answers from no summary at all until the first refresh (asOf null, nothing counted)', async () => {
    const { body } = await reporting.getJson<{ asOf: string | null; playersSeen: number }>('/api/overview');
    expect(body).toMatchObject({ asOf: null, playersSeen: 0 });
  });

  it('with one namespace, the all-namespace rows are that namespace’s rows (and the manifest’s)', async () => {
    const report = await refreshSummaries(database.url);
    expect(report.progressRows).toBe(progressManifest(options).rows);
    const all = (await reporting.getJson<{ items: GoalItem[] }>('/api/goals')).body.items;
    const one = (await reporting.getJson<{ items: GoalItem[] }>('/api/goals?namespace=fixtures')).body.items;
    expect(all).toEqual(one);
    const manifest = progressManifest(options);
    expect(all.map((item) => [item.goalId, item.notStarted, item.inProgress, item.completed, item.claimed])).toEqual(
      Object.entries(manifest.byGoal).map(([goalId, counts]) => [goalId, counts.not_started, counts.in_progress, counts.completed, counts.claimed]),
    );
  });

  it('two refreshes at once both succeed (they take turns) and agree', async () => {
    const [a, b] = await Promise.all([refreshSummaries(database.url), refreshSummaries(database.url)]);
    expect(a.progressRows).toBe(b.progressRows);
    expect(a.asOf.getTime()).not.toBe(b.asOf.getTime());
  });

  it('the summary moves only on refresh; the player lookup is live', async () => {
    const goal = catalogue.challenges[0]?.goals[0];
    const before = (await reporting.getJson<{ items: GoalItem[]; asOf: string }>('/api/goals?namespace=fixtures')).body;
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`INSERT INTO user_goal_progress (user_id, goal_id, challenge_id, namespace, progress, status) VALUES ('late-player', $1, $2, 'fixtures', 1, 'in_progress')`, [goal?.id, catalogue.challenges[0]?.id]);
    await admin.end();
    expect((await reporting.getJson('/api/players/late-player')).status).toBe(200);
    const stale = (await reporting.getJson<{ items: GoalItem[]; asOf: string }>('/api/goals?namespace=fixtures')).body;
    expect(stale).toEqual(before);
    await refreshSummaries(database.url);
    const fresh = (await reporting.getJson<{ items: GoalItem[]; asOf: string; playersSeen: number }>('/api/goals?namespace=fixtures')).body;
    expect(Date.parse(fresh.asOf)).toBeGreaterThan(Date.parse(before.asOf));
    expect(fresh.playersSeen).toBe(options.users + 1);
    expect(fresh.items[0]?.inProgress).toBe((before.items[0]?.inProgress ?? 0) + 1);
  });
});
