import pg from 'pg';

/** The server's error as one line: `ERROR 42P01: relation "x" does not exist (position 15)`. */
export function describeSqlError(error: unknown): string {
  if (error instanceof pg.DatabaseError) {
    const label = [error.severity ?? 'ERROR', error.code].filter(Boolean).join(' ');
    const parts = [`${label}: ${error.message}`];
    if (error.detail) parts.push(`detail: ${error.detail}`);
    if (error.hint) parts.push(`hint: ${error.hint}`);
    if (error.position) parts.push(`position ${error.position}`);
    return oneLine(parts.join('; '));
  }
  return oneLine(error instanceof Error ? error.message : String(error));
}

/** The failure as Prisma writes it to `_prisma_migrations.logs` (its P3018 text). */
export function formatMigrationFailureLogs(migrationName: string, error: unknown): string {
  const code = error instanceof pg.DatabaseError && error.code ? error.code : 'unknown';
  return [
    'A migration failed to apply. New migrations cannot be applied before the error is recovered from. ' +
      'Read more about how to resolve migration issues in a production database: https://pris.ly/d/migrate-resolve',
    `Migration name: ${migrationName}`,
    `Database error code: ${code}`,
    `Database error:\n${describeSqlError(error)}`,
  ].join('\n\n');
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
