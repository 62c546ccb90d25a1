import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { natsServerForTests, startPrivateNatsServer, type PrivateNatsServer } from '@goals/event-stream/testing';
import { afterAll, beforeAll } from 'vitest';
import { deadLetterPayloads, jetStreamWorkerArgs, leaseRows, publishLog, storedPositions, waitUntilConsumed } from './jetstream-run.js';

/** The nats-server binary, or null: every JetStream suite is `describe.skipIf(natsBinary === null)` (GOALS_REQUIRE_NATS=1 makes a missing one fail). */
export const natsBinary = natsServerForTests();

/**
 * What every JetStream suite starts with: a test database and a private
 * nats-server of its own (stopped and restarted by the tests that need it),
 * created before the file's tests and dropped after them, with the run
 * helpers bound to both.
 */
export interface JetStreamFixture {
  readonly database: TestDatabase;
  readonly nats: PrivateNatsServer;
  /** The worker CLI arguments for this database and server (short leases, see jetStreamWorkerArgs). */
  workerArgs(options: { cataloguePath: string; workerId: string; partitions?: number; extra?: string[] }): string[];
  publishLog(lines: readonly string[], partitions?: number): Promise<{ published: number; faults: string[] }>;
  waitUntilConsumed(partitions: number, deadlineMs: number): Promise<void>;
  leaseRows(): ReturnType<typeof leaseRows>;
  storedPositions(): Promise<Map<string, number>>;
  deadLetterPayloads(): Promise<string[]>;
}

/** Registers the file's beforeAll/afterAll; call it once at the top level of a test file. */
export function useJetStreamFixture(): JetStreamFixture {
  const started: { database?: TestDatabase; nats?: PrivateNatsServer } = {};
  beforeAll(async () => {
    if (natsBinary === null) return;
    started.database = await createTestDatabase();
    started.nats = await startPrivateNatsServer(natsBinary);
  });
  afterAll(async () => {
    await started.nats?.dispose();
    await started.database?.drop();
  });
  const fixture: JetStreamFixture = {
    get database() {
      if (started.database === undefined) throw new Error('the JetStream fixture is used outside its tests (or nats-server is missing)');
      return started.database;
    },
    get nats() {
      if (started.nats === undefined) throw new Error('the JetStream fixture is used outside its tests (or nats-server is missing)');
      return started.nats;
    },
    workerArgs: (options) => jetStreamWorkerArgs({ natsUrl: fixture.nats.url, databaseUrl: fixture.database.url, ...options }),
    publishLog: (lines, partitions) => publishLog(fixture.nats.url, lines, partitions),
    waitUntilConsumed: (partitions, deadlineMs) => waitUntilConsumed(fixture.nats.url, fixture.database.url, partitions, deadlineMs),
    leaseRows: () => leaseRows(fixture.database.url),
    storedPositions: () => storedPositions(fixture.database.url),
    deadLetterPayloads: () => deadLetterPayloads(fixture.database.url),
  };
  return fixture;
}

/** The run summary a worker started with `--summary` printed as its last stdout line. */
export function summaryOf<T = Record<string, unknown>>(stdout: string): T {
  const line = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(line) as T;
}
