import { CatalogueIndex } from '@goals/domain';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { natsServerForTests, startPrivateNatsServer, type PrivateNatsServer } from '@goals/event-stream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffTables, foldEvents, readTable } from './support/expected-table.js';
import { deadLetterPayloads, eventually, freePort, jetStreamWorkerArgs, leaseRows, publishLog, scrape, waitUntilConsumed, writeIncWorkload } from './support/jetstream-run.js';
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

describe.skipIf(binary === null)('lease fencing', () => {
  it('a worker paused (SIGSTOP) past its lease loses its partitions; after SIGCONT its late flush is refused and nothing counts twice', async () => {
    const { catalogue, cataloguePath, lines } = writeIncWorkload(4_000, 300, 23);
    const { faults } = await publishLog(nats.url, lines);
    const records = lines.length;
    const pausedPort = await freePort();
    const survivorPort = await freePort();
    const workers: WorkerProcess[] = [];
    try {
      // the paused worker buffers everything and never flushes on its own: only its late flush could commit it
      const paused = spawnWorker(
        jetStreamWorkerArgs({ natsUrl: nats.url, databaseUrl: database.url, cataloguePath, workerId: 'paused', extra: ['--flush-interval-ms', '600000', '--max-buffer-rows', '1000000', '--metrics-port', String(pausedPort)] }),
      );
      workers.push(paused);
      await eventually(async () => (await scrape(pausedPort, 'goals_worker_events_total')) >= records, 120_000, async () => `read ${await scrape(pausedPort, 'goals_worker_events_total')} of ${records}`);
      expect((await leaseRows(database.url)).every((l) => l.owner === 'paused')).toBe(true);
      paused.child.kill('SIGSTOP');

      const survivor = spawnWorker(jetStreamWorkerArgs({ natsUrl: nats.url, databaseUrl: database.url, cataloguePath, workerId: 'survivor', extra: ['--metrics-port', String(survivorPort)] }));
      workers.push(survivor);
      // the paused worker's leases expire and the survivor takes every partition over (new epochs) and finishes the log
      await eventually(async () => (await leaseRows(database.url)).every((l) => l.owner === 'survivor' && l.live && Number(l.epoch) >= 2), 60_000, async () => JSON.stringify(await leaseRows(database.url)));
      await waitUntilConsumed(nats.url, database.url, 8, 120_000);
      expect((await fetch(`http://127.0.0.1:${survivorPort}/readyz`)).status).toBe(200);
      const beforeResume = await readTable(database.url);

      paused.child.kill('SIGCONT');
      // it finds out at its next renewal; its final flush of the buffered records hits the fence
      await eventually(async () => (await scrape(pausedPort, 'goals_worker_lease_losses_total')) >= 8, 60_000, async () => `losses ${await scrape(pausedPort, 'goals_worker_lease_losses_total')}`);
      // and it carries on: it gets a fair share again once the survivor gives partitions back
      await eventually(async () => new Set((await leaseRows(database.url)).filter((l) => l.live).map((l) => l.owner)).size === 2, 60_000, async () => JSON.stringify(await leaseRows(database.url)));
      await waitUntilConsumed(nats.url, database.url, 8, 60_000);

      for (const worker of workers) worker.child.kill('SIGTERM');
      const pausedExit = await paused.exited;
      const survivorExit = await survivor.exited;
      expect(pausedExit.code, pausedExit.stderr.slice(-3000)).toBe(0);
      expect(survivorExit.code, survivorExit.stderr.slice(-3000)).toBe(0);
      expect(pausedExit.stderr).toContain('flush refused by the lease fence');
      expect(survivorExit.stderr).toContain('"takeover":true');

      const expected = foldEvents(new CatalogueIndex(catalogue), lines);
      const actual = await readTable(database.url);
      expect(diffTables(expected, beforeResume)).toEqual([]);
      expect(diffTables(expected, actual)).toEqual([]);
      expect(await deadLetterPayloads(database.url)).toEqual([...faults].sort());
    } finally {
      for (const worker of workers) {
        worker.child.kill('SIGCONT');
        worker.child.kill('SIGKILL');
      }
    }
  }, 400_000);
});
