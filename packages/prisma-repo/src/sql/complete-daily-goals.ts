import type { DailyCompletion } from '@goals/domain';
import { timestamptzFromEpochMs } from './epoch-ms.js';
import { DAILY_BATCH, type BatchSource } from '../batch/batch-kinds.js';
import type { PgQueryable } from '../connection/query-place.js';

/**
 * Domain applyGoalEffect('complete_daily') for one round (unique keys, sorted
 * by key): the goal is completed for the UTC day of `at`. A row already
 * completed (or claimed) on that day or later is left alone; a goal claimed on
 * an earlier day is reopened — the one write that touches a claimed row,
 * because a daily reward is repeatable.
 */
function completeDailySql(from: BatchSource): string {
  const at = timestamptzFromEpochMs('s.at_ms');
  return `
    INSERT INTO user_goal_progress AS t
           (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, created_at, updated_at)
    SELECT s.user_id, s.goal_id, s.challenge_id, s.namespace, 1, 'completed', ${at}, ${at}, ${at}
      FROM ${DAILY_BATCH.source(from)}
    ON CONFLICT (user_id, goal_id) DO UPDATE
       SET progress = GREATEST(t.progress, 1),
           status = 'completed',
           completed_at = EXCLUDED.completed_at,
           claimed_at = CASE WHEN t.status = 'claimed' THEN NULL ELSE t.claimed_at END,
           updated_at = EXCLUDED.updated_at
     WHERE CASE WHEN t.status = 'claimed'
                THEN t.claimed_at IS NULL
                  OR (t.claimed_at AT TIME ZONE 'UTC')::date < (EXCLUDED.updated_at AT TIME ZONE 'UTC')::date
                ELSE t.status <> 'completed' OR t.completed_at IS NULL
                  OR (t.completed_at AT TIME ZONE 'UTC')::date < (EXCLUDED.updated_at AT TIME ZONE 'UTC')::date
           END`;
}

const FROM_ARRAYS = completeDailySql('arrays');
const FROM_STAGING = completeDailySql('staging');

/** One round (unique keys, in lock order), from the column arrays or from the staging table a COPY filled. */
export async function completeDailyGoals(db: PgQueryable, round: readonly DailyCompletion[], from: BatchSource): Promise<void> {
  if (from === 'staging') await db.query({ name: 'goals.complete-daily-goals-staged', text: FROM_STAGING });
  else await db.query({ name: 'goals.complete-daily-goals', text: FROM_ARRAYS, values: DAILY_BATCH.arrays(round) });
}
