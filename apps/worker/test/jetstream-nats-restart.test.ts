import { CatalogueIndex } from '@goals/domain';
import { eventually, freePort } from '@goals/runtime/testing';
import { describe, expect, it } from 'vitest';
import { diffTables, foldEvents, readTable } from './support/expected-table.js';
import { natsBinary, useJetStreamFixture } from './support/jetstream-fixture.js';
import { scrape, writeIncWorkload } from './support/jetstream-run.js';
import { spawnWorker, type WorkerProcess } from './support/worker-process.js';

const fixture = useJetStreamFixture();

describe.skipIf(natsBinary === null)('NATS restarted in the middle of a run', () => {
  it('the workers reconnect and finish with the exact result', async () => {
    const { catalogue, cataloguePath, lines } = writeIncWorkload(8_000, 400, 31);
    const half = Math.floor(lines.length / 2);
    const first = await fixture.publishLog(lines.slice(0, half));
    const ports = [await freePort(), await freePort()];
    const workers: WorkerProcess[] = ['r1', 'r2'].map((workerId, i) => spawnWorker(fixture.workerArgs({ cataloguePath, workerId, extra: ['--metrics-port', String(ports[i])] })));
    try {
      await eventually(async () => (await fixture.storedPositions()).size >= 4, { timeoutMs: 120_000, describe: () => 'no flush before the restart' });
      await fixture.nats.stop();
      await fixture.nats.start();
      const second = await fixture.publishLog(lines.slice(half));
      await fixture.waitUntilConsumed(8, 240_000);
      // each worker saw the connection drop and come back (its NATS client, not a new process)
      for (const port of ports) expect(await scrape(port, 'goals_worker_nats_reconnects_total')).toBeGreaterThanOrEqual(1);

      for (const worker of workers) worker.child.kill('SIGTERM');
      for (const worker of workers) {
        const exit = await worker.exited;
        expect(exit.code, exit.stderr.slice(-3000)).toBe(0);
      }
      const expected = foldEvents(new CatalogueIndex(catalogue), lines);
      expect(diffTables(expected, await readTable(fixture.database.url))).toEqual([]);
      expect(await fixture.deadLetterPayloads()).toEqual([...first.faults, ...second.faults].sort());
    } finally {
      for (const worker of workers) worker.child.kill('SIGKILL');
    }
  }, 400_000);
});
