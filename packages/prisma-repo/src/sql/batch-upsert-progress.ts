import type { ProgressUpsert } from '@goals/domain';
import { timestamptzFromEpochMs } from './epoch-ms.js';
import { UPSERT_BATCH, type BatchSource } from '../batch/batch-kinds.js';
import type { PgQueryable } from '../connection/query-place.js';

/**
 * upsert-progress for one round (unique keys, sorted by key): rows are written
 * in source order — a function scan keeps array order, a temp table's
 * sequential scan (never a synchronized scan) keeps COPY order — so concurrent
 * batches take row locks in one global order and cannot deadlock.
 */
function batchUpsertSql(from: BatchSource): string {
  const completedAt = timestamptzFromEpochMs('s.completed_ms');
  return `
    INSERT INTO user_goal_progress AS t
           (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, claimed_at)
    SELECT s.user_id, s.goal_id, s.challenge_id, s.namespace, s.progress, s.status,
           CASE WHEN s.status IN ('completed', 'claimed') THEN COALESCE(${completedAt}, now()) ELSE ${completedAt} END,
           CASE WHEN s.status = 'claimed' THEN COALESCE(${timestamptzFromEpochMs('s.claimed_ms')}, now()) END
      FROM ${UPSERT_BATCH.source(from)}
    ON CONFLICT (user_id, goal_id) DO UPDATE
       SET progress = EXCLUDED.progress, status = EXCLUDED.status,
           completed_at = EXCLUDED.completed_at, claimed_at = EXCLUDED.claimed_at, updated_at = now()
     WHERE t.status <> 'claimed'`;
}

const FROM_ARRAYS = batchUpsertSql('arrays');
const FROM_STAGING = batchUpsertSql('staging');

/** One round (unique keys, in lock order), from the column arrays or from the staging table a COPY filled. */
export async function batchUpsertProgress(db: PgQueryable, round: readonly ProgressUpsert[], from: BatchSource): Promise<void> {
  if (from === 'staging') await db.query({ name: 'goals.batch-upsert-progress-staged', text: FROM_STAGING });
  else await db.query({ name: 'goals.batch-upsert-progress', text: FROM_ARRAYS, values: UPSERT_BATCH.arrays(round) });
}
