import { createHash } from 'node:crypto';
import type { MigrationFile } from './migration-file.js';

/**
 * A short hash of the migration history. Names a template database, so a
 * template built from other (older, edited) migrations is never reused.
 */
export function migrationsFingerprint(migrations: readonly MigrationFile[]): string {
  const hash = createHash('sha256');
  for (const migration of migrations) {
    hash.update(`${migration.name}\0${migration.checksum}\n`);
  }
  return hash.digest('hex').slice(0, 16);
}
