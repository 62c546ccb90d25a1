import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { MigrationsDirectoryError } from '../errors/migrations-directory-error.js';

/** One `prisma/migrations/<name>/migration.sql`, read once so checksum and SQL come from the same bytes. */
export interface MigrationFile {
  /** Folder name; Prisma's `migration_name`. */
  readonly name: string;
  readonly path: string;
  readonly sql: string;
  /** Lowercase hex SHA-256 of the file's exact bytes, as Prisma stores it. */
  readonly checksum: string;
}

/** Migration folders in name order, which is the order Prisma applies them in. */
export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    throw new MigrationsDirectoryError(migrationsDir, errorMessage(error), { cause: error });
  }

  // Byte order, not locale order: Prisma sorts folder names as plain strings.
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  return Promise.all(
    names.map(async (name) => {
      const file = path.join(migrationsDir, name, 'migration.sql');
      let bytes: Buffer;
      try {
        bytes = await readFile(file);
      } catch (error) {
        throw new MigrationsDirectoryError(migrationsDir, `folder ${name} has no readable migration.sql (${errorMessage(error)})`, {
          cause: error,
        });
      }
      return { name, path: file, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') };
    }),
  );
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
