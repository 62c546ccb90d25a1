import { Readable } from 'node:stream';
import { CatalogueIndex, parseCatalogue } from '@goals/domain';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventSourceReader, SourceRecord } from '../src/sources/event-source.js';
import { NdjsonSource } from '../src/sources/ndjson-source.js';
import { readTable } from './support/expected-table.js';
import { startWorker, writeLines } from './support/in-process-worker.js';

const reward = { type: 'ITEM' as const, rewardId: 'r', quantity: 1 };
const catalogue = new CatalogueIndex(
  parseCatalogue({ challenges: [{ id: 'c', name: 'C', goals: [{ id: 'logins', name: 'Logins', type: 'increment', eventSource: 'login', requirement: { statCode: 'login', operator: '>=', targetValue: 100 }, reward }] }] }),
);
const login = (i: number) => JSON.stringify({ id: `e${i}`, type: 'login', userId: `u${i % 3}`, namespace: 'n', occurredAt: '2026-11-01T10:00:00Z' });

/** A source that hands out one chunk, then waits until it is closed (a live stream with nothing new). */
function idleAfter(records: readonly string[]): EventSourceReader & { handedOut: Promise<void> } {
  let handedOut!: () => void;
  const source = {
    name: 'idle-stream',
    handedOut: new Promise<void>((resolve) => (handedOut = resolve)),
    async *read(): AsyncIterable<SourceRecord[]> {
      let position = 0n;
      yield records.map((payload) => ({ partition: '0', position: (position += 1n), payload }));
      handedOut();
      await new Promise(() => undefined);
    },
    lag: () => undefined,
  };
  return source;
}

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.drop();
});

describe('GoalWorker modes', () => {
  it('starting → reading → draining → stopped over a file, and the positions it committed are the ones stored', async () => {
    const run = startWorker({ databaseUrl: database.url, catalogue, path: writeLines(Array.from({ length: 10 }, (_, i) => login(i))), maxBufferRows: 2 });
    expect(run.worker.mode).toBe('starting');
    const summary = await run.done;
    expect(run.worker.mode).toBe('stopped');
    expect(summary).toMatchObject({ stoppedBy: 'end_of_source', events: { applied: 10, ignored: 0, dead_lettered: 0 } });
    // several flushes, each moving from the position the previous one committed: a wrong base would have raised SOURCE_POSITION_CONFLICT
    expect(summary.flushes).toBeGreaterThan(1);
    expect([...(await readTable(database.url)).values()].map((row) => row.progress).sort()).toEqual([3, 3, 4]);
  });

  it('stop() while reading an idle stream: draining, the final flush commits what was read, stopped', async () => {
    const source = idleAfter([login(1), login(2)]);
    const run = startWorker({ databaseUrl: database.url, catalogue, source });
    await source.handedOut;
    expect(run.worker.mode).toBe('reading');
    run.worker.stop();
    expect(run.worker.mode).toBe('draining');
    expect(run.worker.readiness).toEqual({ ready: false, reason: 'stopping' });
    const summary = await run.done;
    expect(summary).toMatchObject({ stoppedBy: 'stop', events: { applied: 2 } });
    expect(run.worker.mode).toBe('stopped');
    const positions = await new Promise<{ partition: string; position: string }[]>((resolve, reject) => {
      const client = new pg.Client({ connectionString: database.url });
      client
        .connect()
        .then(() => client.query<{ partition: string; position: string }>("SELECT partition, position::text FROM source_positions WHERE source = 'idle-stream'"))
        .then((result) => resolve(result.rows), reject)
        .finally(() => void client.end());
    });
    expect(positions).toEqual([{ partition: '0', position: '2' }]);
    expect([...(await readTable(database.url)).values()].map((row) => row.progress).sort()).toEqual([1, 1]);
  });

  it('stop() before anything was read: no read, no flush, stopped', async () => {
    const run = startWorker({ databaseUrl: database.url, catalogue, path: writeLines([login(1)]) });
    run.worker.stop();
    const summary = await run.done;
    expect(summary).toMatchObject({ stoppedBy: 'stop', flushes: 0, events: { applied: 0, ignored: 0, dead_lettered: 0 } });
    expect(run.worker.mode).toBe('stopped');
    expect(await readTable(database.url)).toEqual(new Map());
  });

  it('a refused source ends in failed, and run() rejects with the refusal', async () => {
    const first = Array.from({ length: 3 }, (_, i) => `${login(i)}\n`).join('');
    const rest = Array.from({ length: 3 }, (_, i) => `${login(i + 3)}\n`).join('');
    await startWorker({ databaseUrl: database.url, catalogue, source: NdjsonSource.fromStream(Readable.from([Buffer.from(first)]), 'backfill') }).done;
    // only the rest of the stream, under the same name: its bytes before the stored position are not the record stored there
    const refused = startWorker({ databaseUrl: database.url, catalogue, source: NdjsonSource.fromStream(Readable.from([Buffer.from(rest)]), 'backfill') });
    await expect(refused.done).rejects.toMatchObject({ code: 'SOURCE_MISMATCH' });
    expect(refused.worker.mode).toBe('failed');
  });
});
