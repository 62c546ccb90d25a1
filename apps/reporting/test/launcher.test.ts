import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase } from '@goals/database/testing';
import { catalogueJson, customCatalogue } from '@goals/fixtures';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { reportingUrlFor } from '../src/database/reporting-url.js';
import { setReportingRolePassword } from '../src/sql/set-reporting-role-password.js';
import { TEST_REPORTING_PASSWORD } from './support/seeded-population.js';

const appDir = join(import.meta.dirname, '..');

describe('pnpm reporting (the launcher)', () => {
  it('loads a fixtures population into an empty database, says so, refreshes, serves and prints the URL', async () => {
    const database = await createTestDatabase();
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await setReportingRolePassword(admin, TEST_REPORTING_PASSWORD);
    const cataloguePath = join(mkdtempSync(join(tmpdir(), 'goals-reporting-launcher-')), 'challenges.json');
    const catalogue = customCatalogue({ seed: 2, challenges: 2, goalsPerChallenge: 3, prerequisiteChainLength: 3 });
    writeFileSync(cataloguePath, catalogueJson(catalogue));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/launcher/run-reporting.ts'], {
      cwd: appDir,
      env: {
        ...process.env,
        DATABASE_URL: database.url,
        REPORTING_DATABASE_URL: reportingUrlFor(database.url, TEST_REPORTING_PASSWORD),
        GOALS_CATALOGUE: cataloguePath,
        GOALS_REPORTING_DEMO_PLAYERS: '25',
        GOALS_REPORTING_PORT: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
      const url = await new Promise<string>((resolve, reject) => {
        let stdout = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          stdout += chunk;
          const match = /^Reporting: (http:\/\/\S+)/m.exec(stdout);
          if (match?.[1] !== undefined) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`the launcher exited with ${code}: ${stderr}`)));
      });
      expect(stderr).toMatch(/the database has no progress yet: loading a fixtures population of 25 players × 6 goals \(150 rows/);
      expect(stderr).toMatch(/summaries refreshed as of/);
      const overview = (await (await fetch(new URL('/api/overview', url))).json()) as { playersSeen: number; asOf: string | null };
      expect(overview.playersSeen).toBe(25);
      expect(overview.asOf).not.toBeNull();
      const rows = await admin.query<{ n: string }>('SELECT count(*) AS n FROM user_goal_progress');
      expect(Number(rows.rows[0]?.n)).toBe(150);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code] = (await exited) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await admin.end();
      await database.drop();
    }
  });
});
