import path from 'node:path';
import { checkConnection } from '../connection/check-connection.js';
import { createDatabaseIfMissing } from '../connection/create-database-if-missing.js';
import { withDatabaseName } from '../connection/database-url.js';
import { maskConnectionUrl } from '../connection/mask-connection-url.js';
import { EmbeddedCluster } from '../embedded/embedded-cluster.js';
import { migrate, type MigrationReport } from '../migrations/migrate.js';
import { defaultEmbeddedDataRoot } from '../repository-paths.js';

export interface StartDatabaseOptions {
  /**
   * PostgreSQL to use instead of the embedded one. Defaults to
   * `process.env.DATABASE_URL`; an empty string means "not set" (embedded).
   */
  readonly databaseUrl?: string;
  /** Names the embedded data directory `.goals-data/<instanceName>`; default `default`. */
  readonly instanceName?: string;
  /** Embedded data directory; overrides instanceName. */
  readonly dataDir?: string;
  /** Preferred embedded port; default 54329. A taken port falls back to a free one. */
  readonly port?: number;
  /**
   * Database to use, created if missing: on the embedded cluster (default
   * `goals`), or — when given with DATABASE_URL — on that URL's server instead
   * of the URL's own database (demos and benchmarks keep their data apart).
   */
  readonly databaseName?: string;
  readonly migrationsDir?: string;
  /** false: connect (and start the embedded server) without migrating, e.g. to resolve a failed migration. Default true. */
  readonly migrate?: boolean;
  /** Progress lines (which server, initdb, port, migrations applied). */
  readonly log?: (line: string) => void;
}

export interface StartedDatabase {
  /** Connection string of the migrated database (embedded: includes the local password). */
  readonly url: string;
  /** True when the database is the embedded PostgreSQL rather than DATABASE_URL. */
  readonly embedded: boolean;
  readonly migrations: MigrationReport;
  /** Stops the embedded server if this process started it; no-op for DATABASE_URL. Idempotent. */
  stop(): Promise<void>;
}

export const DEFAULT_EMBEDDED_PORT = 54329;

/**
 * The one call an app makes to get a migrated database: DATABASE_URL when set
 * (checked first, so a typo fails with a clear reason instead of deep inside a
 * query), otherwise a persistent embedded PostgreSQL under `.goals-data/`, so
 * `pnpm demo` works on a machine with no database installed.
 */
export async function startDatabase(options: StartDatabaseOptions = {}): Promise<StartedDatabase> {
  const log = options.log ?? (() => {});
  const databaseUrl = options.databaseUrl ?? process.env['DATABASE_URL'] ?? '';
  return databaseUrl !== '' ? useExternalDatabase(databaseUrl, options, log) : useEmbeddedDatabase(options, log);
}

async function useExternalDatabase(serverUrl: string, options: StartDatabaseOptions, log: (line: string) => void): Promise<StartedDatabase> {
  await checkConnection(serverUrl);
  let url = serverUrl;
  if (options.databaseName !== undefined) {
    if (await createDatabaseIfMissing(serverUrl, options.databaseName)) log(`created database ${options.databaseName}`);
    url = withDatabaseName(serverUrl, options.databaseName);
  }
  log(`using PostgreSQL at ${maskConnectionUrl(url)}`);
  const migrations = await migrateAndReport(url, options, log);
  return { url, embedded: false, migrations, stop: async () => {} };
}

async function useEmbeddedDatabase(options: StartDatabaseOptions, log: (line: string) => void): Promise<StartedDatabase> {
  const dataDir = options.dataDir ?? path.join(defaultEmbeddedDataRoot(), options.instanceName ?? 'default');
  const cluster = await EmbeddedCluster.start({ dataDir, preferredPort: options.port ?? DEFAULT_EMBEDDED_PORT, log });
  try {
    const databaseName = options.databaseName ?? 'goals';
    if (await createDatabaseIfMissing(cluster.urlFor('postgres'), databaseName)) log(`created database ${databaseName}`);
    const url = cluster.urlFor(databaseName);
    const migrations = await migrateAndReport(url, options, log);
    return { url, embedded: true, migrations, stop: () => cluster.stop() };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

async function migrateAndReport(url: string, options: StartDatabaseOptions, log: (line: string) => void): Promise<MigrationReport> {
  if (options.migrate === false) return { applied: [], alreadyApplied: [] };
  const report = await migrate(url, { log, migrationsDir: options.migrationsDir });
  if (report.applied.length > 0) log(`applied ${report.applied.length} migration(s): ${report.applied.join(', ')}`);
  else log(`schema up to date (${report.alreadyApplied.length} migration(s) applied earlier)`);
  return report;
}
