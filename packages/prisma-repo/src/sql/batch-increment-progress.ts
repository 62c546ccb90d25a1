import type { ProgressIncrement } from '@goals/domain';
import { INCREMENT_BATCH, type BatchSource } from '../batch/batch-kinds.js';
import type { PgQueryable } from '../connection/query-place.js';
import { timestamptzFromEpochMs } from './epoch-ms.js';

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
function batchIncrementSql(from: BatchSource): string {
  const jsonParameter = from === 'arrays' ? INCREMENT_BATCH.columnCount + 1 : 1;
  const lookup = `COALESCE($${jsonParameter}::jsonb -> EXCLUDED.goal_id, $${jsonParameter + 1}::jsonb -> EXCLUDED.user_id -> EXCLUDED.goal_id)`;
  const target = `(${lookup} ->> 0)::int`;
  const daily = `(${lookup} ->> 1)::boolean`;
  // int + int: a sum past the INT maximum raises SQLSTATE 22003 and the statement writes nothing (refused, not clamped)
  const sum = 't.progress + EXCLUDED.progress';
  const at = `COALESCE(${timestamptzFromEpochMs('s.at_ms')}, now())`;
  return `
    INSERT INTO user_goal_progress AS t
           (user_id, goal_id, challenge_id, namespace, progress, status, completed_at, created_at, updated_at)
    SELECT s.user_id, s.goal_id, s.challenge_id, s.namespace, s.delta, s.status,
           CASE WHEN s.status = 'completed' THEN ${at} END, ${at}, ${at}
      FROM ${INCREMENT_BATCH.source(from)}
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

/** One round (unique keys, in lock order), from the column arrays or from the staging table a COPY filled. */
export async function batchIncrementProgress(db: PgQueryable, round: readonly ProgressIncrement[], from: BatchSource): Promise<void> {
  const targets = incrementTargets(round);
  if (from === 'staging') {
    await db.query({ name: 'goals.batch-increment-progress-staged', text: FROM_STAGING, values: [targets.byGoal, targets.byKey] });
  } else {
    await db.query({ name: 'goals.batch-increment-progress', text: FROM_ARRAYS, values: [...INCREMENT_BATCH.arrays(round), targets.byGoal, targets.byKey] });
  }
}

interface IncrementTargets {
  /** JSON {goalId: [targetValue, isDailyIncrement]} */
  byGoal: string;
  /** JSON {userId: {goalId: [targetValue, isDailyIncrement]}} */
  byKey: string;
}

/**
 * Target and daily flag of every row, for the update branch: per goal when
 * all of the goal's rows agree, per key otherwise.
 */
function incrementTargets(round: readonly ProgressIncrement[]): IncrementTargets {
  const byGoal = new Map<string, [number, boolean] | null>();
  let disagreements = false;
  for (let i = 0; i < round.length; i++) {
    const inc = round[i] as ProgressIncrement;
    const known = byGoal.get(inc.goalId);
    if (known === undefined) byGoal.set(inc.goalId, [inc.targetValue, inc.isDailyIncrement]);
    else if (known !== null && (known[0] !== inc.targetValue || known[1] !== inc.isDailyIncrement)) {
      byGoal.set(inc.goalId, null);
      disagreements = true;
    }
  }
  const goalJson: Record<string, [number, boolean]> = Object.create(null) as Record<string, [number, boolean]>;
  for (const [goalId, target] of byGoal) if (target !== null) goalJson[goalId] = target;
  const keyJson: Record<string, Record<string, [number, boolean]>> = Object.create(null) as Record<string, Record<string, [number, boolean]>>;
  if (disagreements) {
    for (const inc of round) {
      if (byGoal.get(inc.goalId) !== null) continue;
      const goalsOfUser = (keyJson[inc.userId] ??= Object.create(null) as Record<string, [number, boolean]>);
      goalsOfUser[inc.goalId] = [inc.targetValue, inc.isDailyIncrement];
    }
  }
  return { byGoal: JSON.stringify(goalJson), byKey: JSON.stringify(keyJson) };
}
