import { CatalogueIndex } from '@goals/domain';
import { eventually } from '@goals/runtime/testing';
import { describe, expect, it } from 'vitest';
import type { PartitionedRunSummary } from '../src/partitions/run-counts.js';
import { diffTables, foldEvents, readTable } from './support/expected-table.js';
import { natsBinary, summaryOf, useJetStreamFixture } from './support/jetstream-fixture.js';
import { writeIncWorkload } from './support/jetstream-run.js';
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
const fixture = useJetStreamFixture();

async function progressFraction(total: number): Promise<number> {
  let sum = 0;
  for (const position of (await fixture.storedPositions()).values()) sum += position;
  // positions are stream sequences: their sum over partitions is not a count, but it grows with progress and a rough fraction is all this needs
  return sum / (total * PARTITIONS);
}

describe.skipIf(natsBinary === null)('JetStream source, three workers, SIGKILLs', () => {
  it(`ends with the table of one uninterrupted pass over ${EVENTS} INC events, every partition leased by a live worker`, async () => {
    const { catalogue, cataloguePath, lines } = writeIncWorkload(EVENTS, 500);
    const { faults } = await fixture.publishLog(lines, PARTITIONS);
    expect(faults.length).toBeGreaterThan(0);
    const args = (workerId: string) => fixture.workerArgs({ cataloguePath, workerId, extra: ['--summary'] });

    const workers = new Map<string, WorkerProcess>();
    for (const id of ['w1', 'w2', 'w3']) workers.set(id, spawnWorker(args(id)));
    const all = () => [...workers.values()];
    try {
      // every worker got a share before the first kill
      await eventually(async () => new Set((await fixture.leaseRows()).map((l) => l.owner)).size === 3, { timeoutMs: 60_000, describe: async () => JSON.stringify(await fixture.leaseRows()) });
      await eventually(async () => (await progressFraction(lines.length)) > 0.02, { timeoutMs: 240_000, describe: () => 'no progress' });
      const first = workers.get('w1');
      first?.child.kill('SIGKILL');
      expect((await first?.exited)?.signal).toBe('SIGKILL');
      workers.delete('w1');

      // w1's partitions are taken over, then another worker dies mid-run
      await eventually(async () => (await fixture.leaseRows()).every((l) => l.owner !== 'w1'), { timeoutMs: 30_000, describe: async () => JSON.stringify(await fixture.leaseRows()) });
      await eventually(async () => (await progressFraction(lines.length)) > 0.35, { timeoutMs: 240_000, describe: () => 'no progress after the first kill' });
      const second = workers.get('w2');
      second?.child.kill('SIGKILL');
      expect((await second?.exited)?.signal).toBe('SIGKILL');
      workers.delete('w2');
      workers.set('w1b', spawnWorker(args('w1b')));

      await fixture.waitUntilConsumed(PARTITIONS, 600_000);
      // rebalancing settles: every partition held by one of the two live workers, with an unexpired lease
      await eventually(
        async () => (await fixture.leaseRows()).every((l) => l.live && (l.owner === 'w3' || l.owner === 'w1b')) && new Set((await fixture.leaseRows()).map((l) => l.owner)).size === 2,
        { timeoutMs: 30_000, describe: async () => JSON.stringify(await fixture.leaseRows()) },
      );
      const leases = await fixture.leaseRows();
      // w1's and w2's partitions were acquired again: every such acquisition moved the epoch
      expect(leases.some((l) => Number(l.epoch) >= 2)).toBe(true);

      for (const worker of all()) worker.child.kill('SIGTERM');
      for (const worker of all()) {
        const exit = await worker.exited;
        expect(exit.code, exit.stderr.slice(-3000)).toBe(0);
      }
      // w3 took partitions of the killed workers over (their leases had expired, not been given back)
      const survivor = summaryOf<PartitionedRunSummary>((await workers.get('w3')?.exited)?.stdout ?? '');
      expect(survivor.leases.takeovers).toBeGreaterThanOrEqual(1);

      const expected = foldEvents(new CatalogueIndex(catalogue), lines);
      const actual = await readTable(fixture.database.url);
      expect(actual.size).toBe(expected.size);
      expect(diffTables(expected, actual)).toEqual([]);
      expect(await fixture.deadLetterPayloads()).toEqual([...faults].sort());
    } finally {
      for (const worker of all()) worker.child.kill('SIGKILL');
    }
  }, 900_000);
});
