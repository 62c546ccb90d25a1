import type pg from 'pg';
import { createPool } from './connection/create-pool.js';
import { PostgresGoalRepository, type CreateGoalRepositoryOptions } from './repository/postgres-goal-repository.js';

/**
 * A repository on the given pool (left open by close()), or on a pool of its
 * own made by createPool (ended by close()).
 */
export function createGoalRepository(options: CreateGoalRepositoryOptions): PostgresGoalRepository {
  const tuning = { copyThreshold: options.batchCopyThreshold };
  if ('pool' in options) return new PostgresGoalRepository(options.pool, false, tuning);
  const pool: pg.Pool = createPool(options.connectionString, options.poolOptions, options.timeouts);
  return new PostgresGoalRepository(pool, true, tuning);
}
