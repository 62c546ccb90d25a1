import pg from 'pg';
import { ReportingError } from '../errors/reporting-error.js';
import { clearSummaryTable } from '../sql/clear-summary-table.js';
import { insertDailyCounts } from '../sql/insert-daily-counts.js';
import { insertGoalCounts } from '../sql/insert-goal-counts.js';
import { insertNamespacePlayers } from '../sql/insert-namespace-players.js';
import { insertPlayerSummaries } from '../sql/insert-player-summaries.js';
import { lockSummaryRefresh, unlockSummaryRefresh } from '../sql/lock-summary-refresh.js';
import { beginRefreshTransaction, commitRefreshTransaction, rollbackRefreshTransaction } from '../sql/refresh-transaction.js';
import { storeSummarySnapshot } from '../sql/store-summary-snapshot.js';
import { SUMMARY_TABLES, type SummaryTable } from '../sql/summary-tables.js';

export interface RefreshReport {
  asOf: Date;
  progressRows: number;
  durationMs: number;
  /** milliseconds per step, in the order they ran */
  phaseMs: Record<string, number>;
}

const FILL: Record<SummaryTable, (client: pg.ClientBase) => Promise<void>> = {
  reporting_players: insertPlayerSummaries,
  reporting_namespace_players: insertNamespacePlayers,
  reporting_goal_counts: insertGoalCounts,
  reporting_daily_counts: insertDailyCounts,
};

/**
 * Recomputes every summary from user_goal_progress in one REPEATABLE READ
 * transaction: readers see the previous summary until COMMIT, then the new
 * one, never a mix. Needs a role that may write the summary tables (the
 * owner's DATABASE_URL) — the reporting role itself cannot, by design.
 * Concurrent refreshes wait for each other (advisory lock).
 */
export async function refreshSummaries(connectionString: string): Promise<RefreshReport> {
  const client = new pg.Client({ connectionString, application_name: 'goals-reporting-refresh' });
  try {
    await client.connect();
  } catch (error) {
    throw new ReportingError('REFRESH_FAILED', 1, `cannot connect to refresh the summaries: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  // a broken connection also surfaces as the failed query; this keeps Node from crashing on the event
  client.on('error', () => {});
  const started = performance.now();
  const phaseMs: Record<string, number> = {};
  try {
    await lockSummaryRefresh(client);
    await beginRefreshTransaction(client);
    try {
      for (const table of SUMMARY_TABLES) {
        const phaseStarted = performance.now();
        await clearSummaryTable(client, table);
        await FILL[table](client);
        phaseMs[table] = Math.round(performance.now() - phaseStarted);
      }
      const snapshot = await storeSummarySnapshot(client, Math.round(performance.now() - started));
      await commitRefreshTransaction(client);
      return { ...snapshot, durationMs: Math.round(performance.now() - started), phaseMs };
    } catch (error) {
      // the refresh's own error is what the caller needs; a ROLLBACK that fails
      // too (the connection is gone) changes nothing: the server rolls back itself
      await rollbackRefreshTransaction(client).catch(() => {});
      throw error;
    } finally {
      // likewise: a session-level lock ends with the session, which end() closes
      await unlockSummaryRefresh(client).catch(() => {});
    }
  } catch (error) {
    if (error instanceof ReportingError) throw error;
    throw new ReportingError('REFRESH_FAILED', 1, `refreshing the summaries failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  } finally {
    // closing a connection that already broke has nothing left to report
    await client.end().catch(() => {});
  }
}
