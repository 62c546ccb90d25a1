import type pg from 'pg';
import { createPool } from './connection/create-pool.js';
import { PostgresGoalRepository, type CreateGoalRepositoryOptions } from './repository/postgres-goal-repository.js';

/**
 * A repository on the given pool (left open by close()), or on a pool of its
 * own made by createPool (ended by close()).
 */
export function createGoalRepository(options: CreateGoalRepositoryOptions): PostgresGoalRepository {
  if ('pool' in options) return new PostgresGoalRepository(options.pool, false);
  const pool: pg.Pool = createPool(options.connectionString, options.poolOptions);
  return new PostgresGoalRepository(pool, true);
}
