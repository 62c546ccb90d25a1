// A process that starts an embedded PostgreSQL on GOALS_TEST_DATA_DIR and waits (a test kills it with SIGKILL).
import { startDatabase } from '../../src/bootstrap/start-database.js';

const database = await startDatabase({ databaseUrl: '', dataDir: process.env['GOALS_TEST_DATA_DIR'] ?? '', port: 0 });
process.stdout.write(`ready ${database.url}\n`);
setInterval(() => undefined, 60_000);
