import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { fnv1a32 } from '@goals/domain';
import { jetstreamManager, RetentionPolicy, StorageType } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { describe, expect, it } from 'vitest';
import { connectToNats, createEventPublisher, ensureEventStream, EVENT_STREAM_NAME, EventStreamError, readEventStreamLayout } from '../src/index.js';
import { natsServerForTests, startPrivateNatsServer, type PrivateNatsServer } from '../src/testing/index.js';

const binary = natsServerForTests();
const CLI = fileURLToPath(new URL('../src/cli/goals-publish.ts', import.meta.url));
const run = promisify(execFile);

function event(id: string, userId: string, value = 5): string {
  return JSON.stringify({ id, type: 'statistic', userId, namespace: 'ns', occurredAt: '2026-11-01T10:00:00Z', statCode: 'kills', value });
}

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', CLI, ...args], { env: { ...process.env, NATS_URL: '' } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

async function withServer<T>(work: (server: PrivateNatsServer, connection: NatsConnection) => Promise<T>): Promise<T> {
  if (binary === null) throw new Error('unreachable: suite is skipped without nats-server');
  const server = await startPrivateNatsServer(binary);
  const connection = await connectToNats({ servers: server.url, name: 'test' });
  try {
    return await work(server, connection);
  } finally {
    await connection.close();
    await server.dispose();
  }
}

describe.skipIf(binary === null)('event stream on a private nats-server', () => {
  it("routes each user to fnv1a32(userId) mod P — the same partition as the server's own partition() mapping", async () => {
    if (binary === null) return;
    // the oracle is nats-server itself: a subject mapping with {{partition(8,1)}}
    const server = await startPrivateNatsServer(binary, { config: 'mappings = { "hash.*": "hashed.{{partition(8,1)}}.{{wildcard(1)}}" }\n' });
    const connection = await connectToNats({ servers: server.url, name: 'test' });
    try {
      const users = Array.from({ length: 200 }, (_, i) => `user-${i * 7919}`).concat(['jöran-ü', 'Ω-42', 'x']);
      const seen = new Map<string, number>();
      const subscription = connection.subscribe('hashed.*.*', { max: users.length });
      const collected = (async () => {
        for await (const message of subscription) {
          const [, partition, user] = message.subject.split('.');
          seen.set(user ?? '', Number(partition));
        }
      })();
      await connection.flush();
      for (const user of users) connection.publish(`hash.${user}`, '');
      await collected;
      for (const user of users) expect(seen.get(user), user).toBe(fnv1a32(user) % 8);
    } finally {
      await connection.close();
      await server.dispose();
    }
  });

  it('sets the stream up once, checks it afterwards, and refuses another partition count or layout', async () => {
    await withServer(async (_server, connection) => {
      await expect(readEventStreamLayout(connection)).rejects.toMatchObject({ code: 'STREAM_MISSING' });
      const first = await ensureEventStream(connection, { partitions: 8 });
      expect(first).toMatchObject({ created: true, layout: { partitions: 8 } });
      const second = await ensureEventStream(connection, { partitions: 8 });
      expect(second.created).toBe(false);
      await expect(ensureEventStream(connection, { partitions: 4 })).rejects.toMatchObject({ code: 'PARTITION_COUNT_MISMATCH' });
      await expect(createEventPublisher({ connection, partitions: 16 })).rejects.toMatchObject({ code: 'PARTITION_COUNT_MISMATCH' });
      const jsm = await jetstreamManager(connection);
      await jsm.streams.delete(EVENT_STREAM_NAME);
      await jsm.streams.add({ name: EVENT_STREAM_NAME, subjects: ['goals.events.>'], storage: StorageType.Memory, retention: RetentionPolicy.Workqueue });
      const mismatch = await ensureEventStream(connection, { partitions: 8 }).catch((error: unknown) => error);
      expect(mismatch).toBeInstanceOf(EventStreamError);
      expect(mismatch).toMatchObject({ code: 'STREAM_CONFIG_MISMATCH' });
      expect(String(mismatch)).toMatch(/subjects.*storage.*retention.*partition count/s);
    });
  });

  it('publishes valid events to their partition subjects, counts rejected lines, and a retried publish adds nothing', async () => {
    await withServer(async (_server, connection) => {
      await ensureEventStream(connection, { partitions: 8 });
      const rejections: number[] = [];
      const publisher = await createEventPublisher({ connection, maxInFlight: 16, onRejected: ({ index }) => rejections.push(index) });
      const lines = [event('e1', 'alice'), 'not json', '', event('e2', 'bob'), event('e3', 'alice', -1), event('e4', 'carol')];
      for (const line of lines) await publisher.publishLine(line);
      expect(await publisher.flush()).toEqual({ offered: 6, published: 3, duplicates: 0, rejected: 2, blank: 1, failed: 0 });
      expect(rejections).toEqual([2, 5]);

      const jsm = await jetstreamManager(connection);
      for (const [seq, user] of [[1, 'alice'], [2, 'bob'], [3, 'carol']] as const) {
        const stored = await jsm.streams.getMessage(EVENT_STREAM_NAME, { seq });
        expect(stored?.subject).toBe(`goals.events.${fnv1a32(user) % 8}`);
        expect(stored?.header.get('Nats-Msg-Id')).toBe(`e${seq === 3 ? 4 : seq}`);
      }

      // the same messages again (a publisher re-run after a crash): every one a duplicate
      const again = await createEventPublisher({ connection });
      for (const line of lines) await again.publishLine(line);
      expect(await again.flush()).toMatchObject({ published: 0, duplicates: 3, rejected: 2 });
      expect((await jsm.streams.info(EVENT_STREAM_NAME)).state.messages).toBe(3);
    });
  });

  it('storeLine resolves only with the stored message (sequence, subject), a retry as a duplicate of it, and refuses a bad event before publishing', async () => {
    await withServer(async (_server, connection) => {
      await ensureEventStream(connection, { partitions: 4 });
      const publisher = await createEventPublisher({ connection });
      const first = await publisher.storeLine(event('s1', 'dana'));
      expect(first).toEqual({ subject: `goals.events.${fnv1a32('dana') % 4}`, sequence: 1, duplicate: false });
      expect(await publisher.storeLine(event('s1', 'dana'))).toEqual({ ...first, duplicate: true });
      await expect(publisher.storeLine(event('s2', 'dana', -1))).rejects.toMatchObject({ code: 'EVENT_REFUSED' });
      const jsm = await jetstreamManager(connection);
      expect((await jsm.streams.info(EVENT_STREAM_NAME)).state.messages).toBe(1);
      expect(await publisher.flush()).toEqual({ offered: 3, published: 1, duplicates: 1, rejected: 1, blank: 0, failed: 0 });
    });
  });

  it('goals-publish: --setup, publish with a summary, documented exit codes', async () => {
    await withServer(async (server) => {
      const dir = mkdtempSync(join(tmpdir(), 'goals-publish-'));
      const input = join(dir, 'events.ndjson');
      writeFileSync(input, `${[event('a1', 'u1'), event('a2', 'u2'), '{"id":"bad"}', event('a3', 'u3')].join('\n')}\n`);

      expect((await cli(['--servers', server.url, '--input', input])).code).toBe(4); // no stream yet
      expect((await cli(['--servers', server.url, '--setup'])).code).toBe(2); // --setup without --partitions
      const setup = await cli(['--servers', server.url, '--setup', '--partitions', '8']);
      expect(setup.code, setup.stderr).toBe(0);
      const published = await cli(['--servers', server.url, '--input', input]);
      expect(published.code, published.stderr).toBe(0);
      expect(JSON.parse(published.stdout)).toMatchObject({ published: 3, duplicates: 0, rejected: 1 });
      expect(published.stderr).toContain('line 3 rejected');
      const rerun = await cli(['--servers', server.url, '--input', input, '--partitions', '8']);
      expect(JSON.parse(rerun.stdout)).toMatchObject({ published: 0, duplicates: 3 });
      const wrongP = await cli(['--servers', server.url, '--input', input, '--partitions', '4']);
      expect(wrongP.code).toBe(4);
      expect(wrongP.stderr).toContain('PARTITION_COUNT_MISMATCH');

      await server.stop();
      const unreachable = await cli(['--servers', server.url, '--input', input]);
      expect(unreachable.code).toBe(3);
      expect(unreachable.stderr).toContain('NATS_UNREACHABLE');
    });
  });
});

describe('without a NATS server', () => {
  it('connectToNats fails with NATS_UNREACHABLE', async () => {
    // nothing listens on port 1 of 127.0.0.1
    await expect(connectToNats({ servers: 'nats://127.0.0.1:1', name: 'test', timeoutMs: 1_000 })).rejects.toMatchObject({ code: 'NATS_UNREACHABLE' });
  });
});
