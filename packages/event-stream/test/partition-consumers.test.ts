import { fnv1a32 } from '@goals/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectToNats, createEventPublisher, ensureEventStream, PartitionConsumers, StreamBehindPositionError, type NatsConnection, type PartitionMessage } from '../src/index.js';
import { natsServerForTests, startPrivateNatsServer, type PrivateNatsServer } from '../src/testing/index.js';

const binary = natsServerForTests();
const PARTITIONS = 4;

let server: PrivateNatsServer;
let connection: NatsConnection;
/** What was published, by partition, in order: the oracle (routing by the domain's hash, not by the reader). */
const published = new Map<string, string[]>();

beforeAll(async () => {
  if (binary === null) return;
  server = await startPrivateNatsServer(binary);
  connection = await connectToNats({ servers: server.url, name: 'test' });
  await ensureEventStream(connection, { partitions: PARTITIONS });
  const publisher = await createEventPublisher({ connection });
  for (let i = 0; i < 40; i++) {
    const userId = `u${i % 7}`;
    const line = JSON.stringify({ id: `e${i}`, type: 'statistic', userId, namespace: 'ns', occurredAt: '2026-11-01T10:00:00Z', statCode: 'kills', value: i });
    await publisher.publishLine(line);
    const partition = String(fnv1a32(userId) % PARTITIONS);
    published.set(partition, [...(published.get(partition) ?? []), line]);
  }
  await publisher.flush();
});
afterAll(async () => {
  if (binary === null) return;
  await connection.close();
  await server.dispose();
});

/** Reads until `count` messages arrived, then closes the reader (a partition never ends by itself). */
async function readMessages(consumers: PartitionConsumers, partition: number, after: bigint, count: number): Promise<PartitionMessage[]> {
  const reader = consumers.reader(partition, () => undefined);
  const messages: PartitionMessage[] = [];
  for await (const chunk of reader.read(after)) {
    messages.push(...chunk);
    if (messages.length >= count) break;
  }
  await reader.close();
  return messages;
}

describe.skipIf(binary === null)('partition consumers', () => {
  it('a reader hands out one partition in stream order, positions = stream sequences, after the position given', async () => {
    const consumers = await PartitionConsumers.connect(connection);
    const last = await consumers.lastSequences(PARTITIONS);
    for (let partition = 0; partition < PARTITIONS; partition++) {
      const expected = published.get(String(partition)) ?? [];
      if (expected.length === 0) continue;
      const all = await readMessages(consumers, partition, 0n, expected.length);
      expect(all.map((m) => m.payload)).toEqual(expected);
      expect(all.every((m) => m.partition === String(partition))).toBe(true);
      // ascending sequences ending at the stream's last sequence on this subject (the lag query's answer)
      expect(all.map((m) => m.position)).toEqual([...all.map((m) => m.position)].sort((a, b) => (a < b ? -1 : 1)));
      expect(Number(all.at(-1)?.position)).toBe(last[partition]);
      // resuming after the second message skips exactly the first two
      const first = all[1]?.position;
      if (first === undefined) continue;
      const rest = await readMessages(consumers, partition, first, expected.length - 2);
      expect(rest.map((m) => m.payload)).toEqual(expected.slice(2));
    }
  });

  it('refuses a stored position past the stream (a recreated stream) instead of skipping events', async () => {
    const consumers = await PartitionConsumers.connect(connection);
    const reader = consumers.reader(0, () => undefined);
    const failure = await (async () => {
      try {
        for await (const _chunk of reader.read(1_000_000n)) return null;
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(failure).toBeInstanceOf(StreamBehindPositionError);
    expect(failure).toMatchObject({ code: 'STREAM_BEHIND_POSITION' });
  });

  it('close() ends a read waiting on an idle partition', async () => {
    const consumers = await PartitionConsumers.connect(connection);
    const last = await consumers.lastSequences(PARTITIONS);
    const reader = consumers.reader(0, () => undefined);
    const chunks: PartitionMessage[][] = [];
    const reading = (async () => {
      for await (const chunk of reader.read(BigInt(last[0] ?? 0))) chunks.push(chunk);
    })();
    await reader.close();
    await reading;
    expect(chunks).toEqual([]);
  });
});
