import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { connectToNats, ensureEventStream, EVENT_STREAM_NAME } from '@goals/event-stream';
import { natsServerForTests, startPrivateNatsServer, type PrivateNatsServer } from '@goals/event-stream/testing';
import { workloadCatalogue } from '@goals/fixtures';
import { jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, jetStreamWorkerArgs, query, writeIncWorkload } from './support/jetstream-run.js';
import { spawnWorker } from './support/worker-process.js';

const binary = natsServerForTests();

let database: TestDatabase;
let nats: PrivateNatsServer;
let cataloguePath: string;
beforeAll(async () => {
  if (binary === null) return;
  database = await createTestDatabase();
  nats = await startPrivateNatsServer(binary);
  const { dir } = writeIncWorkload(1, 1);
  cataloguePath = join(dir, 'catalogue.json');
  writeFileSync(cataloguePath, JSON.stringify(workloadCatalogue('S2')));
});
afterAll(async () => {
  await nats.dispose();
  await database.drop();
});

async function runUntilExit(args: string[]) {
  const worker = spawnWorker(args);
  const exit = await worker.exited;
  return { code: exit.code, stderr: exit.stderr };
}

async function replaceStream(add: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<unknown>): Promise<void> {
  const connection = await connectToNats({ servers: nats.url, name: 'test' });
  try {
    const jsm = await jetstreamManager(connection);
    await jsm.streams.delete(EVENT_STREAM_NAME).catch(() => false);
    await add(jsm);
  } finally {
    await connection.close();
  }
}

describe.skipIf(binary === null)('JetStream worker start-up errors (documented exit codes)', () => {
  it('exits 5 when NATS is unreachable', async () => {
    const { code, stderr } = await runUntilExit(jetStreamWorkerArgs({ natsUrl: 'nats://127.0.0.1:1', databaseUrl: database.url, cataloguePath, workerId: 'x' }));
    expect(code).toBe(5);
    expect(stderr).toContain('NATS_UNREACHABLE');
  });

  it('exits 4 when the stream was created with another partition count', async () => {
    await replaceStream(async () => {
      const connection = await connectToNats({ servers: nats.url, name: 'setup' });
      await ensureEventStream(connection, { partitions: 8 });
      await connection.close();
    });
    const { code, stderr } = await runUntilExit(jetStreamWorkerArgs({ natsUrl: nats.url, databaseUrl: database.url, cataloguePath, workerId: 'x', partitions: 4 }));
    expect(code).toBe(4);
    expect(stderr).toContain('PARTITION_COUNT_MISMATCH');
    expect(stderr).toContain('created with 8 partitions');
  });

  it('exits 4 when a stream of that name has another configuration', async () => {
    await replaceStream((jsm) => jsm.streams.add({ name: EVENT_STREAM_NAME, subjects: ['goals.events.>'], storage: StorageType.Memory, retention: RetentionPolicy.Workqueue }));
    const { code, stderr } = await runUntilExit(jetStreamWorkerArgs({ natsUrl: nats.url, databaseUrl: database.url, cataloguePath, workerId: 'x' }));
    expect(code).toBe(4);
    expect(stderr).toContain('STREAM_CONFIG_MISMATCH');
  });

  it('exits 4 when the database holds leases for more partitions than the stream has', async () => {
    await replaceStream(async () => undefined);
    // a first worker with P = 8 creates the stream and the lease rows, then stops
    const first = spawnWorker(jetStreamWorkerArgs({ natsUrl: nats.url, databaseUrl: database.url, cataloguePath, workerId: 'p8' }));
    await eventually(async () => (await leaseRowCount()) === 8, 60_000, () => 'no lease rows');
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    // the stream is recreated with 4 partitions; the database still knows 8
    await replaceStream(async () => {
      const connection = await connectToNats({ servers: nats.url, name: 'setup' });
      await ensureEventStream(connection, { partitions: 4 });
      await connection.close();
    });
    const { code, stderr } = await runUntilExit(jetStreamWorkerArgs({ natsUrl: nats.url, databaseUrl: database.url, cataloguePath, workerId: 'p4', partitions: 4 }));
    expect(code).toBe(4);
    expect(stderr).toContain('holds leases for 8 partitions');
  });

  it('exits 2 when --partitions is missing', async () => {
    const { code, stderr } = await runUntilExit(['--source', 'jetstream', '--catalogue', cataloguePath, '--database-url', database.url]);
    expect(code).toBe(2);
    expect(stderr).toContain('--partitions');
  });
});

async function leaseRowCount(): Promise<number> {
  const rows = await query<{ n: number }>(database.url, 'SELECT count(*)::int AS n FROM partition_leases');
  return rows[0]?.n ?? 0;
}
