import type { ProgressIncrement } from '@goals/domain';
import type { QueryPlace } from '../connection/query-place.js';

// SQL, not the model API: the add, the status from the sum, the daily rule against the stored day and the database clock are one atomic statement.
const INCREMENT_PROGRESS = `
  INSERT INTO user_goal_progress AS t
         (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, created_at, updated_at)
  SELECT $1, $2, $3, $4, i.delta,
         CASE WHEN i.delta >= i.target THEN 'completed' WHEN i.delta > 0 THEN 'in_progress' ELSE 'not_started' END,
         CASE WHEN i.delta >= i.target THEN i.at END,
         i.at, i.at
    FROM (SELECT $5::int AS delta, $6::int AS target, COALESCE($8::timestamptz, now()) AS at) AS i
  ON CONFLICT (user_id, goal_id) DO UPDATE
     SET progress = t.progress + EXCLUDED.progress,
         status = CASE WHEN t.status = 'completed' OR t.progress + EXCLUDED.progress >= $6::int THEN 'completed'
                       WHEN t.progress + EXCLUDED.progress > 0 THEN 'in_progress'
                       ELSE 'not_started' END,
         completed_at = CASE WHEN t.status = 'completed' OR t.progress + EXCLUDED.progress >= $6::int
                             THEN COALESCE(t.completed_at, EXCLUDED.updated_at) END,
         updated_at = EXCLUDED.updated_at
   WHERE t.status <> 'claimed'
     AND (NOT $7::boolean
          OR (t.updated_at AT TIME ZONE 'UTC')::date < (EXCLUDED.updated_at AT TIME ZONE 'UTC')::date)`;

/**
 * Domain applyGoalEffect('increment') in one statement: a sum past the INT
 * maximum is refused (int + int raises SQLSTATE 22003, the statement writes
 * nothing; the caller turns it into ProgressOverflowError), completion is sticky and keeps its first completedAt, a
 * daily increment counts only when the row was last written on an earlier UTC
 * day than `at` (default: the database clock; days are cut at UTC midnight
 * whatever the session TimeZone), claimed rows are left alone.
 */
export async function incrementProgress(place: QueryPlace, inc: ProgressIncrement): Promise<void> {
  await place.pg.query({
    name: 'goals.increment-progress',
    text: INCREMENT_PROGRESS,
    values: [inc.userId, inc.goalId, inc.challengeId, inc.namespace, inc.delta, inc.targetValue, inc.isDailyIncrement, inc.at === undefined ? null : inc.at.toISOString()],
  });
}
