import type { AbsoluteProgressUpdate } from '@goals/domain';
import { timestamptzFromEpochMs } from './epoch-ms.js';
import { ABSOLUTE_BATCH, type BatchSource } from '../batch/batch-kinds.js';
import type { PgQueryable } from '../connection/query-place.js';

/**
 * Domain applyGoalEffect('set') for one round (unique keys, sorted by key —
 * the lock order). The client computes each row's status for its new value
 * with the domain's statusForProgress (completed also when the target was
 * reached earlier in the worker's aggregate) and its completedAt, so the
 * server only adds stickiness: a completed row stays completed with its first
 * completedAt, claimed rows are left alone.
 */
function applyAbsoluteSql(from: BatchSource): string {
  const at = timestamptzFromEpochMs('s.at_ms');
  return `
    INSERT INTO user_goal_progress AS t
           (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, created_at, updated_at)
    SELECT s.user_id, s.goal_id, s.challenge_id, s.namespace, s.value, s.status,
           ${timestamptzFromEpochMs('s.completed_ms')}, ${at}, ${at}
      FROM ${ABSOLUTE_BATCH.source(from)}
    ON CONFLICT (user_id, goal_id) DO UPDATE
       SET progress = EXCLUDED.progress,
           status = CASE WHEN t.status = 'completed' THEN 'completed' ELSE EXCLUDED.status END,
           completed_at = CASE WHEN t.status = 'completed' OR EXCLUDED.status = 'completed'
                               THEN COALESCE(t.completed_at, EXCLUDED.completed_at, EXCLUDED.updated_at) END,
           updated_at = EXCLUDED.updated_at
     WHERE t.status <> 'claimed'`;
}

const FROM_ARRAYS = applyAbsoluteSql('arrays');
const FROM_STAGING = applyAbsoluteSql('staging');

/** One round (unique keys, in lock order), from the column arrays or from the staging table a COPY filled. */
export async function applyAbsoluteProgress(db: PgQueryable, round: readonly AbsoluteProgressUpdate[], from: BatchSource): Promise<void> {
  if (from === 'staging') await db.query({ name: 'goals.apply-absolute-progress-staged', text: FROM_STAGING });
  else await db.query({ name: 'goals.apply-absolute-progress', text: FROM_ARRAYS, values: ABSOLUTE_BATCH.arrays(round) });
}
