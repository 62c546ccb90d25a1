#!/usr/bin/env node
// `pnpm db:migrate`: migrates DATABASE_URL, or the embedded PostgreSQL under
// .goals-data/ when it is unset (starting it for the run and stopping it after).
import { startDatabase } from '../bootstrap/start-database.js';
import { DatabaseSetupError } from '../errors/database-setup-error.js';

async function main(): Promise<void> {
  const database = await startDatabase({ log: (line) => console.log(line) });
  await database.stop();
}

main().catch((error: unknown) => {
  // One line a person can act on; the code tells scripts what happened.
  const message =
    error instanceof DatabaseSetupError
      ? `${error.code}: ${error.message}`
      : error instanceof Error
        ? error.message
        : String(error);
  console.error(`db:migrate failed: ${message.replace(/\s+/g, ' ')}`);
  process.exitCode = 1;
});
