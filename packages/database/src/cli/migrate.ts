#!/usr/bin/env node
// `pnpm db:migrate`: migrates DATABASE_URL, or the embedded PostgreSQL under
// .goals-data/ when it is unset (starting it for the run and stopping it after).
// `pnpm db:migrate --resolve-rolled-back <name>` / `--resolve-applied <name>`
// resolve a failed migration first, as `prisma migrate resolve` does.
import { parseArgs } from 'node:util';
import { startDatabase } from '../bootstrap/start-database.js';
import { DatabaseSetupError } from '../errors/database-setup-error.js';
import { resolveMigration } from '../migrations/resolve-migration.js';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'resolve-rolled-back': { type: 'string' }, 'resolve-applied': { type: 'string' } } });
  const rolledBack = values['resolve-rolled-back'];
  const applied = values['resolve-applied'];
  if (rolledBack !== undefined || applied !== undefined) {
    const database = await startDatabase({ log: (line) => console.log(line), migrate: false });
    try {
      if (rolledBack !== undefined) await resolveMigration(database.url, rolledBack, 'rolled-back');
      if (applied !== undefined) await resolveMigration(database.url, applied, 'applied');
      console.log(`resolved ${rolledBack ?? applied ?? ''} as ${rolledBack !== undefined ? 'rolled back' : 'applied'}`);
    } finally {
      await database.stop();
    }
  }
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
