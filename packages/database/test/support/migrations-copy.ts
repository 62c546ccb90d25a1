import { cp, mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultMigrationsDir } from '../../src/repository-paths.js';

/** A private copy of prisma/migrations that a test may edit or extend. */
export async function copyOfRepositoryMigrations(): Promise<string> {
  const dir = path.join(await mkdtemp(path.join(tmpdir(), 'goals-migrations-')), 'migrations');
  await cp(defaultMigrationsDir(), dir, { recursive: true });
  return dir;
}

export async function addMigration(migrationsDir: string, name: string, sql: string): Promise<string> {
  await mkdir(path.join(migrationsDir, name));
  const file = path.join(migrationsDir, name, 'migration.sql');
  await writeFile(file, sql);
  return file;
}
