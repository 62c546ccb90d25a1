import { cp, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { defaultMigrationsDir } from '../../src/repository-paths.js';

/** A private copy of prisma/migrations that the current test may edit or extend; deleted after it. */
export async function copyOfRepositoryMigrations(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'goals-migrations-'));
  onTestFinished(() => rm(root, { recursive: true, force: true }));
  const dir = path.join(root, 'migrations');
  await cp(defaultMigrationsDir(), dir, { recursive: true });
  return dir;
}

export async function addMigration(migrationsDir: string, name: string, sql: string): Promise<string> {
  await mkdir(path.join(migrationsDir, name));
  const file = path.join(migrationsDir, name, 'migration.sql');
  await writeFile(file, sql);
  return file;
}
