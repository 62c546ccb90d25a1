// A separate process that migrates GOALS_TEST_URL from GOALS_TEST_MIGRATIONS (killed by tests mid-way).
import { migrate } from '../../src/migrations/migrate.js';

await migrate(process.env['GOALS_TEST_URL'] ?? '', { migrationsDir: process.env['GOALS_TEST_MIGRATIONS'] ?? '' });
