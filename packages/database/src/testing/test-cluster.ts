import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { checkConnection } from '../connection/check-connection.js';
import { EmbeddedCluster } from '../embedded/embedded-cluster.js';
import { defaultMigrationsDir } from '../repository-paths.js';
import { dropRunDatabases } from './create-database-from-template.js';
import { prepareTemplateDatabase } from './prepare-template-database.js';
import type { TestDatabaseContext } from './test-database-context.js';

export interface TestClusterOptions {
  /** Server to create test databases on. Defaults to `process.env.DATABASE_URL`; empty means embedded. */
  readonly databaseUrl?: string;
  readonly migrationsDir?: string;
  readonly log?: (line: string) => void;
}

export interface TestCluster {
  readonly context: TestDatabaseContext;
  /** Drops this run's test databases, then stops and deletes a throw-away embedded server. */
  stop(): Promise<void>;
}

/**
 * One PostgreSQL for a whole test run: DATABASE_URL's server when set (CI, or a
 * developer's own PostgreSQL), else a throw-away embedded server in a temp
 * directory on a free port. Either way a template database is migrated once.
 */
export async function startTestCluster(options: TestClusterOptions = {}): Promise<TestCluster> {
  const databaseUrl = options.databaseUrl ?? process.env['DATABASE_URL'] ?? '';
  const server = databaseUrl !== '' ? await useExistingServer(databaseUrl) : await startThrowawayServer(options.log);
  try {
    const templateDatabase = await prepareTemplateDatabase(server.adminUrl, options.migrationsDir ?? defaultMigrationsDir());
    const context: TestDatabaseContext = {
      adminUrl: server.adminUrl,
      templateDatabase,
      runId: randomBytes(4).toString('hex'),
    };
    return {
      context,
      stop: async () => {
        try {
          await dropRunDatabases(context);
        } finally {
          await server.stop();
        }
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

interface TestServer {
  readonly adminUrl: string;
  stop(): Promise<void>;
}

async function useExistingServer(databaseUrl: string): Promise<TestServer> {
  await checkConnection(databaseUrl);
  // The template is kept between runs on a shared server: the next run with
  // the same migrations reuses it instead of migrating again.
  return { adminUrl: databaseUrl, stop: async () => {} };
}

async function startThrowawayServer(log: ((line: string) => void) | undefined): Promise<TestServer> {
  const root = await mkdtemp(path.join(tmpdir(), 'goals-test-pg-'));
  // mkdtemp makes the directory 0700; when we run as root the server runs as
  // the `postgres` user, which must be able to reach the data directory inside.
  await chmod(root, 0o755);
  try {
    const cluster = await EmbeddedCluster.start({ dataDir: path.join(root, 'data'), throwaway: true, log });
    return {
      adminUrl: cluster.urlFor('postgres'),
      stop: async () => {
        try {
          await cluster.stop();
        } finally {
          await rm(root, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    await rm(root, { recursive: true, force: true });
    throw error;
  }
}
