#!/usr/bin/env node
/**
 * `pnpm reporting`: everything needed to see the data, in one command.
 *
 * 1. The database: DATABASE_URL, or the default embedded PostgreSQL
 *    (.goals-data/default, database `goals`), migrated.
 * 2. If user_goal_progress is empty, a fixtures population is loaded (and the
 *    command says so), with its catalogue written next to it.
 * 3. The summaries are refreshed with the owner's connection, then every
 *    GOALS_REPORTING_REFRESH_SECONDS (default 60).
 * 4. The server starts on the read-only role's connection and prints its URL.
 *
 * The owner's URL stays in this launcher (migrate, seed, refresh); the server
 * is handed only the reporting role's.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { maskConnectionUrl, startDatabase } from '@goals/database';
import { catalogueJson, customCatalogue, generateProgressRows, loadProgressRows, workloadCatalogue } from '@goals/fixtures';
import pg from 'pg';
import { loadReportCatalogue } from '../catalogue/report-catalogue.js';
import { reportingUrlFor } from '../database/reporting-url.js';
import { refreshSummaries } from '../refresh/refresh-summaries.js';
import { startReportingServer } from '../server/start-reporting-server.js';
import { hasProgressRows } from '../sql/has-progress-rows.js';
import { setReportingRolePassword } from '../sql/set-reporting-role-password.js';

const repositoryRoot = resolve(fileURLToPath(new URL('../../../..', import.meta.url)));
const workDir = join(repositoryRoot, '.goals-data', 'reporting');
const DEMO_PLAYERS = Number(process.env.GOALS_REPORTING_DEMO_PLAYERS ?? 2_000);
const REFRESH_SECONDS = Number(process.env.GOALS_REPORTING_REFRESH_SECONDS ?? 60);
const PORT = Number(process.env.GOALS_REPORTING_PORT ?? 8090);

function say(line: string): void {
  process.stderr.write(`[reporting] ${line}\n`);
}

/** The embedded server needs a password for every login; one per data directory, created once, readable by its owner only. */
function embeddedReportingPassword(): string {
  const file = join(workDir, 'reporting-role-password');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const password = randomBytes(18).toString('base64url');
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

async function main(): Promise<void> {
  mkdirSync(workDir, { recursive: true });
  const database = await startDatabase({ log: say });
  say(`database ${maskConnectionUrl(database.url)}${database.embedded ? ' (embedded)' : ''}`);
  const owner = new pg.Client({ connectionString: database.url });
  await owner.connect();

  const givenCatalogue = process.env.GOALS_CATALOGUE;
  let cataloguePath = givenCatalogue ?? join(workDir, 'challenges.json');
  if (!(await hasProgressRows(owner))) {
    // a demo catalogue with prerequisite chains, so the funnels have steps
    const catalogue = givenCatalogue === undefined ? customCatalogue({ seed: 11, challenges: 6, goalsPerChallenge: 20, prerequisiteChainLength: 5 }) : (await loadReportCatalogue(givenCatalogue)).catalogue;
    if (givenCatalogue === undefined) writeFileSync(cataloguePath, catalogueJson(catalogue));
    const goals = catalogue.challenges.reduce((sum, challenge) => sum + challenge.goals.length, 0);
    say(`the database has no progress yet: loading a fixtures population of ${DEMO_PLAYERS.toLocaleString('en-US')} players × ${goals} goals (${(DEMO_PLAYERS * goals).toLocaleString('en-US')} rows, catalogue ${cataloguePath})`);
    const report = await loadProgressRows({
      connectionString: database.url,
      reset: true,
      rows: generateProgressRows({ seed: 11, catalogue, users: DEMO_PLAYERS, start: new Date(Date.UTC(2026, 10, 1)), days: 30 }),
    });
    say(`loaded ${report.rows.toLocaleString('en-US')} rows in ${(report.durationMs / 1000).toFixed(1)} s`);
  } else if (givenCatalogue === undefined && !existsSync(cataloguePath)) {
    // rows that came from elsewhere: S2 is what `pnpm fixtures load` and the benches write
    writeFileSync(cataloguePath, catalogueJson(workloadCatalogue('S2')));
    say(`the database already has progress; using the S2 workload catalogue (${cataloguePath}); set GOALS_CATALOGUE to the worker's challenges.json otherwise`);
  }
  const catalogue = await loadReportCatalogue(cataloguePath);

  let reportingUrl = process.env.REPORTING_DATABASE_URL;
  if (reportingUrl === undefined && database.embedded) {
    const password = embeddedReportingPassword();
    await setReportingRolePassword(owner, password);
    reportingUrl = reportingUrlFor(database.url, password);
  } else if (reportingUrl === undefined) {
    reportingUrl = reportingUrlFor(database.url);
    say(`REPORTING_DATABASE_URL is not set: connecting as goals_reporting without a password (${maskConnectionUrl(reportingUrl)}); works where the server trusts this host`);
  }
  await owner.end();

  const refresh = async (): Promise<void> => {
    const report = await refreshSummaries(database.url);
    say(`summaries refreshed as of ${report.asOf.toISOString()} (${report.progressRows.toLocaleString('en-US')} rows, ${report.durationMs} ms)`);
  };
  await refresh();

  const server = await startReportingServer({ databaseUrl: reportingUrl, catalogue, port: PORT, logger: { level: process.env.GOALS_LOG_LEVEL ?? 'warn' } }).catch(async (error: unknown) => {
    if ((error as { code?: unknown }).code !== 'EADDRINUSE') throw error;
    say(`port ${PORT} is taken; using a free one`);
    return startReportingServer({ databaseUrl: reportingUrl, catalogue, port: 0, logger: { level: process.env.GOALS_LOG_LEVEL ?? 'warn' } });
  });
  let timer: NodeJS.Timeout | undefined;
  let refreshing: Promise<void> = Promise.resolve();
  const schedule = (): void => {
    timer = setTimeout(() => {
      refreshing = refresh().then(schedule, (error: unknown) => {
        say(`refresh failed (the page keeps the previous figures): ${error instanceof Error ? error.message : String(error)}`);
        schedule();
      });
    }, REFRESH_SECONDS * 1000);
  };
  schedule();
  process.stdout.write(`Reporting: ${server.url}  (summaries refresh every ${REFRESH_SECONDS} s; Ctrl-C stops)\n`);

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping`);
    clearTimeout(timer);
    void (async () => {
      await refreshing;
      await server.close();
      await database.stop();
      process.exit(0);
    })().catch((error: unknown) => {
      say(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    });
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`reporting: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
