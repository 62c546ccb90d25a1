import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectToNats, ensureEventStream, EVENT_STREAM_NAME } from '@goals/event-stream';
import { workloadCatalogue } from '@goals/fixtures';
import { eventually } from '@goals/runtime/testing';
import { jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import { beforeAll, describe, expect, it } from 'vitest';
import { natsBinary, useJetStreamFixture } from './support/jetstream-fixture.js';
import { query, writeIncWorkload } from './support/jetstream-run.js';
import { spawnWorker } from './support/worker-process.js';

const fixture = useJetStreamFixture();
let cataloguePath: string;
beforeAll(() => {
  const { dir } = writeIncWorkload(1, 1);
  cataloguePath = join(dir, 'catalogue.json');
  writeFileSync(cataloguePath, JSON.stringify(workloadCatalogue('S2')));
});

async function runUntilExit(args: string[]) {
  const worker = spawnWorker(args);
  const exit = await worker.exited;
  return { code: exit.code, stderr: exit.stderr };
}

async function replaceStream(add: (jsm: Awaited<ReturnType<typeof jetstreamManager>>) => Promise<unknown>): Promise<void> {
  const connection = await connectToNats({ servers: fixture.nats.url, name: 'test' });
  try {
    const jsm = await jetstreamManager(connection);
    await jsm.streams.delete(EVENT_STREAM_NAME).catch(() => false);
    await add(jsm);
  } finally {
    await connection.close();
  }
}

describe.skipIf(natsBinary === null)('JetStream worker start-up errors (documented exit codes)', () => {
  it('exits 5 when NATS is unreachable', async () => {
    const args = fixture.workerArgs({ cataloguePath, workerId: 'x' });
    args[args.indexOf('--nats-servers') + 1] = 'nats://127.0.0.1:1';
    const { code, stderr } = await runUntilExit(args);
    expect(code).toBe(5);
    expect(stderr).toContain('NATS_UNREACHABLE');
  });

  it('exits 4 when the stream was created with another partition count', async () => {
    await replaceStream(async () => {
      const connection = await connectToNats({ servers: fixture.nats.url, name: 'setup' });
      await ensureEventStream(connection, { partitions: 8 });
      await connection.close();
    });
    const { code, stderr } = await runUntilExit(fixture.workerArgs({ cataloguePath, workerId: 'x', partitions: 4 }));
    expect(code).toBe(4);
    expect(stderr).toContain('PARTITION_COUNT_MISMATCH');
    expect(stderr).toContain('created with 8 partitions');
  });

  it('exits 4 when a stream of that name has another configuration', async () => {
    await replaceStream((jsm) => jsm.streams.add({ name: EVENT_STREAM_NAME, subjects: ['goals.events.>'], storage: StorageType.Memory, retention: RetentionPolicy.Workqueue }));
    const { code, stderr } = await runUntilExit(fixture.workerArgs({ cataloguePath, workerId: 'x' }));
    expect(code).toBe(4);
    expect(stderr).toContain('STREAM_CONFIG_MISMATCH');
  });

  it('exits 4 when the database holds leases for more partitions than the stream has', async () => {
    await replaceStream(async () => undefined);
    // a first worker with P = 8 creates the stream and the lease rows, then stops
    const first = spawnWorker(fixture.workerArgs({ cataloguePath, workerId: 'p8' }));
    await eventually(async () => (await leaseRowCount()) === 8, { timeoutMs: 60_000, describe: async () => `${await leaseRowCount()} lease rows` });
    first.child.kill('SIGTERM');
    expect((await first.exited).code).toBe(0);
    // the stream is recreated with 4 partitions; the database still knows 8
    await replaceStream(async () => {
      const connection = await connectToNats({ servers: fixture.nats.url, name: 'setup' });
      await ensureEventStream(connection, { partitions: 4 });
      await connection.close();
    });
    const { code, stderr } = await runUntilExit(fixture.workerArgs({ cataloguePath, workerId: 'p4', partitions: 4 }));
    expect(code).toBe(4);
    expect(stderr).toContain('holds leases for 8 partitions');
  });

  it('exits 2 when --partitions is missing', async () => {
    const { code, stderr } = await runUntilExit(['--source', 'jetstream', '--catalogue', cataloguePath, '--database-url', fixture.database.url]);
    expect(code).toBe(2);
    expect(stderr).toContain('--partitions');
  });
});

async function leaseRowCount(): Promise<number> {
  const rows = await query<{ n: number }>(fixture.database.url, 'SELECT count(*)::int AS n FROM partition_leases');
  return rows[0]?.n ?? 0;
}
