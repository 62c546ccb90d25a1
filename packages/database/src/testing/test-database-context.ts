/**
 * What globalSetup hands to test workers (through vitest's provide/inject,
 * key `goalsTestDatabase`): where to create databases and from which template.
 */
export interface TestDatabaseContext {
  /** Superuser URL of the cluster (DATABASE_URL, or the throw-away embedded one). */
  readonly adminUrl: string;
  /** Migrated database that test databases are copied from. */
  readonly templateDatabase: string;
  /** Prefix of this run's databases, so teardown can drop the ones a test forgot. */
  readonly runId: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    goalsTestDatabase: TestDatabaseContext;
  }
}
