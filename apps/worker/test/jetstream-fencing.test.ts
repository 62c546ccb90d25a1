import { CatalogueIndex } from '@goals/domain';
import { eventually, freePort } from '@goals/runtime/testing';
import { describe, expect, it } from 'vitest';
import type { PartitionedRunSummary } from '../src/partitions/run-counts.js';
import { diffTables, foldEvents, readTable } from './support/expected-table.js';
import { natsBinary, summaryOf, useJetStreamFixture } from './support/jetstream-fixture.js';
import { scrape, writeIncWorkload } from './support/jetstream-run.js';
import { spawnWorker, type WorkerProcess } from './support/worker-process.js';

const fixture = useJetStreamFixture();

describe.skipIf(natsBinary === null)('lease fencing', () => {
  it('a worker paused (SIGSTOP) past its lease loses its partitions; after SIGCONT its late flush is refused and nothing counts twice', async () => {
    const { catalogue, cataloguePath, lines } = writeIncWorkload(4_000, 300, 23);
    const { faults } = await fixture.publishLog(lines);
    const records = lines.length;
    const pausedPort = await freePort();
    const survivorPort = await freePort();
    const workers: WorkerProcess[] = [];
    try {
      // the paused worker buffers everything and never flushes on its own: only its late flush could commit it
      const paused = spawnWorker(fixture.workerArgs({ cataloguePath, workerId: 'paused', extra: ['--flush-interval-ms', '600000', '--max-buffer-rows', '1000000', '--metrics-port', String(pausedPort), '--summary'] }));
      workers.push(paused);
      await eventually(async () => (await scrape(pausedPort, 'goals_worker_events_total')) >= records, { timeoutMs: 120_000, describe: async () => `read ${await scrape(pausedPort, 'goals_worker_events_total')} of ${records}` });
      expect((await fixture.leaseRows()).every((l) => l.owner === 'paused')).toBe(true);
      paused.child.kill('SIGSTOP');

      const survivor = spawnWorker(fixture.workerArgs({ cataloguePath, workerId: 'survivor', extra: ['--metrics-port', String(survivorPort), '--summary'] }));
      workers.push(survivor);
      // the paused worker's leases expire and the survivor takes every partition over (new epochs) and finishes the log
      await eventually(async () => (await fixture.leaseRows()).every((l) => l.owner === 'survivor' && l.live && Number(l.epoch) >= 2), { timeoutMs: 60_000, describe: async () => JSON.stringify(await fixture.leaseRows()) });
      await fixture.waitUntilConsumed(8, 120_000);
      expect((await fetch(`http://127.0.0.1:${survivorPort}/readyz`)).status).toBe(200);
      const beforeResume = await readTable(fixture.database.url);

      paused.child.kill('SIGCONT');
      // it finds out at its next renewal; its final flush of the buffered records hits the fence
      await eventually(async () => (await scrape(pausedPort, 'goals_worker_lease_losses_total')) >= 8, { timeoutMs: 60_000, describe: async () => `losses ${await scrape(pausedPort, 'goals_worker_lease_losses_total')}` });
      // and it carries on: it gets a fair share again once the survivor gives partitions back
      await eventually(async () => new Set((await fixture.leaseRows()).filter((l) => l.live).map((l) => l.owner)).size === 2, { timeoutMs: 60_000, describe: async () => JSON.stringify(await fixture.leaseRows()) });
      await fixture.waitUntilConsumed(8, 60_000);

      for (const worker of workers) worker.child.kill('SIGTERM');
      const pausedExit = await paused.exited;
      const survivorExit = await survivor.exited;
      expect(pausedExit.code, pausedExit.stderr.slice(-3000)).toBe(0);
      expect(survivorExit.code, survivorExit.stderr.slice(-3000)).toBe(0);
      // the paused worker's late flushes were refused by the fence; the survivor took every partition over from it
      expect(summaryOf<PartitionedRunSummary>(pausedExit.stdout).leases.fenced).toBeGreaterThanOrEqual(1);
      expect(summaryOf<PartitionedRunSummary>(survivorExit.stdout).leases.takeovers).toBeGreaterThanOrEqual(8);

      const expected = foldEvents(new CatalogueIndex(catalogue), lines);
      const actual = await readTable(fixture.database.url);
      expect(diffTables(expected, beforeResume)).toEqual([]);
      expect(diffTables(expected, actual)).toEqual([]);
      expect(await fixture.deadLetterPayloads()).toEqual([...faults].sort());
    } finally {
      for (const worker of workers) {
        worker.child.kill('SIGCONT');
        worker.child.kill('SIGKILL');
      }
    }
  }, 400_000);
});
