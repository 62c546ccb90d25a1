import { CatalogueIndex } from '@goals/domain';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { natsServerForTests, startPrivateNatsServer, type PrivateNatsServer } from '@goals/event-stream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffTables, foldEvents, readTable } from './support/expected-table.js';
import { deadLetterPayloads, eventually, jetStreamWorkerArgs, leaseRows, publishLog, storedPositions, waitUntilConsumed, writeIncWorkload } from './support/jetstream-run.js';
import { spawnWorker, type WorkerProcess } from './support/worker-process.js';

/**
 * Three workers share 8 partitions of a generated INC log; two of them are
 * killed with SIGKILL on the way and one is restarted. The table must equal
 * the in-memory fold of the whole log, dead letters included.
 * GOALS_JETSTREAM_EVENTS sets the log's size (default 100,000; `.ci/run`'s
 * second pass uses a smaller log, see the README).
 */
const EVENTS = Number(process.env.GOALS_JETSTREAM_EVENTS ?? 100_000);
const PARTITIONS = 8;
const binary = natsServerForTests();

let database: TestDatabase;
let nats: PrivateNatsServer;
beforeAll(async () => {
  if (binary === null) return;
  database = await createTestDatabase();
  nats = await startPrivateNatsServer(binary);
});
afterAll(async () => {
  await nats.dispose();
  await database.drop();
});

async function progressFraction(total: number): Promise<number> {
  let sum = 0;
  for (const position of (await storedPositions(database.url)).values()) sum += position;
  // positions are stream sequences: their sum over partitions is not a count, but it grows with progress and a rough fraction is all this needs
  return sum / (total * PARTITIONS);
}

describe.skipIf(binary === null)('JetStream source, three workers, SIGKILLs', () => {
  it(`ends with the table of one uninterrupted pass over ${EVENTS} INC events, every partition leased by a live worker`, async () => {
    const { catalogue, cataloguePath, lines } = writeIncWorkload(EVENTS, 500);
    const { faults } = await publishLog(nats.url, lines, PARTITIONS);
    expect(faults.length).toBeGreaterThan(0);
    const args = (workerId: string) => jetStreamWorkerArgs({ natsUrl: nats.url, databaseUrl: database.url, cataloguePath, workerId });

    const workers = new Map<string, WorkerProcess>();
    for (const id of ['w1', 'w2', 'w3']) workers.set(id, spawnWorker(args(id)));
    const all = () => [...workers.values()];
    try {
      // every worker got a share before the first kill
      await eventually(async () => new Set((await leaseRows(database.url)).map((l) => l.owner)).size === 3, 60_000, async () => JSON.stringify(await leaseRows(database.url)));
      await eventually(async () => (await progressFraction(lines.length)) > 0.02, 240_000, () => 'no progress');
      const first = workers.get('w1');
      first?.child.kill('SIGKILL');
      expect((await first?.exited)?.signal).toBe('SIGKILL');
      workers.delete('w1');

      // w1's partitions are taken over, then another worker dies mid-run
      await eventually(async () => (await leaseRows(database.url)).every((l) => l.owner !== 'w1'), 30_000, async () => JSON.stringify(await leaseRows(database.url)));
      await eventually(async () => (await progressFraction(lines.length)) > 0.35, 240_000, () => 'no progress after the first kill');
      const second = workers.get('w2');
      second?.child.kill('SIGKILL');
      expect((await second?.exited)?.signal).toBe('SIGKILL');
      workers.delete('w2');
      workers.set('w1b', spawnWorker(args('w1b')));

      await waitUntilConsumed(nats.url, database.url, PARTITIONS, 600_000);
      // rebalancing settles: every partition held by one of the two live workers, with an unexpired lease
      await eventually(
        async () => (await leaseRows(database.url)).every((l) => l.live && (l.owner === 'w3' || l.owner === 'w1b')) && new Set((await leaseRows(database.url)).map((l) => l.owner)).size === 2,
        30_000,
        async () => JSON.stringify(await leaseRows(database.url)),
      );
      const leases = await leaseRows(database.url);
      // w1's and w2's partitions were acquired again: every such acquisition moved the epoch
      expect(leases.some((l) => Number(l.epoch) >= 2)).toBe(true);

      for (const worker of all()) worker.child.kill('SIGTERM');
      for (const worker of all()) {
        const exit = await worker.exited;
        expect(exit.code, exit.stderr.slice(-3000)).toBe(0);
      }
      const survivorLog = (await workers.get('w3')?.exited)?.stderr ?? '';
      expect(survivorLog).toContain('"takeover":true');

      const expected = foldEvents(new CatalogueIndex(catalogue), lines);
      const actual = await readTable(database.url);
      expect(actual.size).toBe(expected.size);
      expect(diffTables(expected, actual)).toEqual([]);
      expect(await deadLetterPayloads(database.url)).toEqual([...faults].sort());
    } finally {
      for (const worker of all()) worker.child.kill('SIGKILL');
    }
  }, 900_000);
});
