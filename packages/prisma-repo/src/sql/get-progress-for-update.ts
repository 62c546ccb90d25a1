import type pg from 'pg';
import type { ProgressRow } from './progress-row.js';

/** The row lock is held until the transaction ends; a second locker waits. */
export async function getProgressForUpdate(client: pg.ClientBase, userId: string, goalId: string): Promise<ProgressRow[]> {
  const { rows } = await client.query<ProgressRow>({
    name: 'goals.get-progress-for-update',
    text: `
      SELECT user_id AS "userId", goal_id AS "goalId", challenge_id AS "challengeId", namespace,
             progress, status, completed_at AS "completedAt", claimed_at AS "claimedAt",
             created_at AS "createdAt", updated_at AS "updatedAt"
        FROM user_goal_progress
       WHERE user_id = $1 AND goal_id = $2
         FOR UPDATE`,
    values: [userId, goalId],
  });
  return rows;
}
