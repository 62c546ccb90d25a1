import { CatalogueIndex } from '@goals/domain';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { generateEventLines, workloadCatalogue } from '@goals/fixtures';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventSourceReader, SourceRecord } from '../src/sources/event-source.js';
import { diffTables, foldEvents, readTable } from './support/expected-table.js';
import { startWorker } from './support/in-process-worker.js';

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.drop();
});

class SlowableSource implements EventSourceReader {
  readonly name = 'slowable';
  records = 0;
  /** True while the worker holds a chunk and has not asked for the next one. */
  paused = false;
  constructor(private readonly lines: readonly string[]) {}
  lag(): number {
    return this.lines.length - this.records;
  }
  async *read(resumeAt: ReadonlyMap<string, bigint>): AsyncIterable<SourceRecord[]> {
    for (let i = Number(resumeAt.get('0') ?? 0n); i < this.lines.length; i++) {
      this.records = i + 1;
      this.paused = true;
      yield [{ partition: '0', position: BigInt(i + 1), payload: this.lines[i] ?? '' }];
      this.paused = false;
    }
  }
}

describe('backpressure', () => {
  it('stops reading while the database is slow and never drops what it accepted', async () => {
    const catalogue = workloadCatalogue('S2');
    const lines = [...generateEventLines({ workload: 'S2', seed: 11, events: 400, users: 40, start: new Date('2026-11-01T00:00:00Z'), durationMs: 60_000 })];
    // a "slow database": another transaction holds a lock every flush needs
    const blocker = new pg.Client({ connectionString: database.url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE user_goal_progress IN SHARE MODE');
    const maxBufferRows = 150; // an S2 event touches 100 rows
    const source = new SlowableSource(lines);
    const run = startWorker({ databaseUrl: database.url, catalogue: new CatalogueIndex(catalogue), source, maxBufferRows, flushIntervalMs: 50 });
    try {
      // wait until a flush is blocked on the lock and the worker has stopped pulling from the source
      for (;;) {
        const waiting = await blocker.query(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted AND relation = 'user_goal_progress'::regclass`);
        if (waiting.rows[0].n > 0 && source.paused) {
          const before = source.records;
          // many event-loop turns later it still has not read on
          for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
          if (source.records === before) break;
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      // at most two buffers' worth of events (each event adds ≥ 1 row) plus the record in hand
      expect(source.records).toBeLessThanOrEqual(2 * maxBufferRows + 1);
      expect(source.records).toBeLessThan(lines.length);
      const bufferRows = (await run.metrics.bufferRows.get()).values[0]?.value ?? 0;
      expect(bufferRows).toBeLessThanOrEqual(maxBufferRows + 100);
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
    const summary = await run.done;
    expect(summary.events.applied).toBe(lines.length);
    expect(diffTables(foldEvents(new CatalogueIndex(catalogue), lines), await readTable(database.url))).toEqual([]);
  }, 60_000);
});
