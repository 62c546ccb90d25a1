import type { QueryPlace } from '../connection/query-place.js';
import { PG_PROGRESS_COLUMNS, type ProgressRow } from './progress-row.js';

const GET_PROGRESS_FOR_UPDATE = `
  SELECT ${PG_PROGRESS_COLUMNS}
    FROM user_goal_progress
   WHERE user_id = $1 AND goal_id = $2
     FOR UPDATE`;

/** Raw pg: the model API has no row locks. The lock is held until the transaction ends; a second locker waits. */
export async function getProgressForUpdate(place: QueryPlace, userId: string, goalId: string): Promise<ProgressRow | undefined> {
  const { rows } = await place.pg.query<ProgressRow>({ name: 'goals.get-progress-for-update', text: GET_PROGRESS_FOR_UPDATE, values: [userId, goalId] });
  return rows[0];
}
