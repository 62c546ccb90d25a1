import { fileURLToPath } from 'node:url';

// This file sits one level below the package root both as src/repository-paths.ts
// (tests, tsx) and as dist/repository-paths.js (built), so the same relative
// path reaches the monorepo root from either.
const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** The monorepo root, found from this package's location rather than the cwd. */
export function repositoryRootDir(): string {
  return repositoryRoot;
}

/** `prisma/migrations` at the monorepo root: the folders `prisma migrate deploy` reads. */
export function defaultMigrationsDir(): string {
  return fileURLToPath(new URL('../../../prisma/migrations', import.meta.url));
}

/** Git-ignored root for persistent embedded PostgreSQL data directories. */
export function defaultEmbeddedDataRoot(): string {
  return fileURLToPath(new URL('../../../.goals-data', import.meta.url));
}
