import type pg from 'pg';
import { timestamptzFromEpochMs } from './epoch-ms.js';
import { batchSource, STAGING_TABLES } from './staging-tables.js';

/**
 * increment-progress for one round (unique keys, sorted by key — the lock
 * order), each row with its own delta, target, daily flag and time.
 *
 * The proposed row carries delta (progress: a new row starts at delta), the
 * event time (updated_at; NULL = the database clock) and the new row's status
 * (computed by the client with the domain's statusForProgress). ON CONFLICT DO
 * UPDATE sees only that row (EXCLUDED), which has no column for the target or
 * the daily flag, so the update looks them up in two jsonb parameters, parsed
 * once per statement: `byGoal` {goalId: [target, daily]} for every goal whose
 * rows in the round agree on both (the worker's case: they come from the
 * catalogue — a few hundred keys), `byKey` {userId: {goalId: [target, daily]}}
 * for the rest (usually empty).
 */
function batchIncrementSql(from: 'staging' | 'arrays'): string {
  const jsonParameter = from === 'arrays' ? STAGING_TABLES.increment.columns.split(', ').length + 1 : 1;
  const lookup = `COALESCE($${jsonParameter}::jsonb -> EXCLUDED.goal_id, $${jsonParameter + 1}::jsonb -> EXCLUDED.user_id -> EXCLUDED.goal_id)`;
  const target = `(${lookup} ->> 0)::int`;
  const daily = `(${lookup} ->> 1)::boolean`;
  const sum = 'LEAST(t.progress::bigint + EXCLUDED.progress, 2147483647)';
  const at = `COALESCE(${timestamptzFromEpochMs('s.at_ms')}, now())`;
  return `
    INSERT INTO user_goal_progress AS t
           (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, created_at, updated_at)
    SELECT s.user_id, s.goal_id, s.challenge_id, s.namespace, s.delta, s.status,
           CASE WHEN s.status = 'completed' THEN ${at} END, ${at}, ${at}
      FROM ${batchSource('increment', from)}
    ON CONFLICT (user_id, goal_id) DO UPDATE
       SET progress = ${sum},
           status = CASE WHEN t.status = 'completed' OR ${sum} >= ${target} THEN 'completed'
                         WHEN ${sum} > 0 THEN 'in_progress'
                         ELSE 'not_started' END,
           completed_at = CASE WHEN t.status = 'completed' OR ${sum} >= ${target}
                               THEN COALESCE(t.completed_at, EXCLUDED.updated_at) END,
           updated_at = EXCLUDED.updated_at
     WHERE t.status <> 'claimed'
       AND (NOT ${daily}
            OR (t.updated_at AT TIME ZONE 'UTC')::date < (EXCLUDED.updated_at AT TIME ZONE 'UTC')::date)`;
}

const FROM_ARRAYS = batchIncrementSql('arrays');
const FROM_STAGING = batchIncrementSql('staging');

export interface IncrementTargets {
  /** JSON {goalId: [targetValue, isDailyIncrement]} */
  byGoal: string;
  /** JSON {userId: {goalId: [targetValue, isDailyIncrement]}} */
  byKey: string;
}

/** Column arrays in the staging table's column order (user, goal, challenge, namespace, delta, status, at_ms). */
export async function batchIncrementProgress(db: pg.ClientBase | pg.Pool, columns: unknown[], targets: IncrementTargets): Promise<void> {
  await db.query({ name: 'goals.batch-increment-progress', text: FROM_ARRAYS, values: [...columns, targets.byGoal, targets.byKey] });
}

export async function batchIncrementProgressFromStaging(client: pg.ClientBase, targets: IncrementTargets): Promise<void> {
  await client.query({ name: 'goals.batch-increment-progress-staged', text: FROM_STAGING, values: [targets.byGoal, targets.byKey] });
}
