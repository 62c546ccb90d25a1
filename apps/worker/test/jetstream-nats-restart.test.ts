import { CatalogueIndex } from '@goals/domain';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { natsServerForTests, startPrivateNatsServer, type PrivateNatsServer } from '@goals/event-stream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffTables, foldEvents, readTable } from './support/expected-table.js';
import { deadLetterPayloads, eventually, jetStreamWorkerArgs, publishLog, storedPositions, waitUntilConsumed, writeIncWorkload } from './support/jetstream-run.js';
import { spawnWorker, type WorkerProcess } from './support/worker-process.js';

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

describe.skipIf(binary === null)('NATS restarted in the middle of a run', () => {
  it('the workers reconnect and finish with the exact result', async () => {
    const { catalogue, cataloguePath, lines } = writeIncWorkload(8_000, 400, 31);
    const half = Math.floor(lines.length / 2);
    const first = await publishLog(nats.url, lines.slice(0, half));
    const workers: WorkerProcess[] = ['r1', 'r2'].map((workerId) => spawnWorker(jetStreamWorkerArgs({ natsUrl: nats.url, databaseUrl: database.url, cataloguePath, workerId })));
    try {
      await eventually(async () => (await storedPositions(database.url)).size >= 4, 120_000, () => 'no flush before the restart');
      await nats.stop();
      await nats.start();
      const second = await publishLog(nats.url, lines.slice(half));
      await waitUntilConsumed(nats.url, database.url, 8, 240_000);

      for (const worker of workers) worker.child.kill('SIGTERM');
      for (const worker of workers) {
        const exit = await worker.exited;
        expect(exit.code, exit.stderr.slice(-3000)).toBe(0);
        expect(exit.stderr).toContain('NATS disconnect');
      }
      const expected = foldEvents(new CatalogueIndex(catalogue), lines);
      expect(diffTables(expected, await readTable(database.url))).toEqual([]);
      expect(await deadLetterPayloads(database.url)).toEqual([...first.faults, ...second.faults].sort());
    } finally {
      for (const worker of workers) worker.child.kill('SIGKILL');
    }
  }, 400_000);
});
