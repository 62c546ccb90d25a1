/** `pnpm bench:flush`: only the worker-flush micro-benchmark (see flush-batches.ts). */
import pg from 'pg';
import { createGoalRepository, createPool } from '../src/index.js';
import { openBenchDatabase } from './bench-database.js';
import { benchFlushBatches, printFlushTable } from './flush-batches.js';

const database = await openBenchDatabase('goals_flush_bench');
const pool = createPool(database.url, { max: 4 });
const repo = createGoalRepository({ pool });
const admin = new pg.Pool({ connectionString: database.url, max: 2 });
try {
  printFlushTable(await benchFlushBatches(repo, admin, Number(process.env.FLUSH_RUNS ?? 5)));
} finally {
  await repo.close();
  await pool.end();
  await admin.end();
  await database.stop();
}
