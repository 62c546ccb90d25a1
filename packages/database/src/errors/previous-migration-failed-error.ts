import { DatabaseSetupError } from './database-setup-error.js';

/**
 * Like Prisma's P3009: a migration failed earlier and nobody resolved it, so
 * the database is in an unknown state and no further migration may run. The
 * message says how to recover, as Prisma's does.
 */
export class PreviousMigrationFailedError extends DatabaseSetupError {
  readonly code = 'MIGRATION_PREVIOUSLY_FAILED';

  constructor(
    readonly migrationName: string,
    readonly startedAt: Date,
    readonly logs: string | null,
  ) {
    const what =
      logs === null
        ? // only an older runner (or Prisma's own deploy) leaves such a row: it wrote the row, then was killed
          `started at ${startedAt.toISOString()} and never finished (the process applying it was stopped; nothing recorded an error)`
        : `failed at ${startedAt.toISOString()} (${firstErrorLine(logs)})`;
    super(
      `Migration ${migrationName} ${what}; no migration will run until it is resolved. ` +
        `If its changes are not in the database (a migration that fails is rolled back), run ` +
        `\`pnpm db:migrate --resolve-rolled-back ${migrationName}\` (or \`prisma migrate resolve --rolled-back ${migrationName}\`) ` +
        `and the next run applies it again, fixed if need be; if you completed it by hand, ` +
        `\`pnpm db:migrate --resolve-applied ${migrationName}\` (\`prisma migrate resolve --applied ${migrationName}\`).`,
    );
  }
}

function firstErrorLine(logs: string): string {
  const marker = 'Database error:\n';
  const at = logs.indexOf(marker);
  const line = (at === -1 ? logs : logs.slice(at + marker.length)).split('\n')[0] ?? '';
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
