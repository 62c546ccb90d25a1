import { CatalogueIndex, eventImpact, parseCatalogue, type GameEvent } from '@goals/domain';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { createGoalRepository, type LedgeredGoalRepository } from '@goals/prisma-repo';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProgressBuffer } from '../src/buffer/progress-buffer.js';
import { BufferFlusher } from '../src/flush/buffer-flusher.js';
import { FatalFlushError } from '../src/flush/database-error-kind.js';
import { WorkerMetrics } from '../src/observability/metrics.js';
import { readTable } from './support/expected-table.js';
import { startWorker, writeLines } from './support/in-process-worker.js';

const reward = { type: 'ITEM' as const, rewardId: 'r', quantity: 1 };
const catalogue = new CatalogueIndex(
  parseCatalogue({
    challenges: [{ id: 'c', name: 'C', goals: [{ id: 'kills', name: 'Kills', type: 'increment', eventSource: 'statistic', requirement: { statCode: 'kills', operator: '>=', targetValue: 100 }, reward }] }],
  }),
);

let database: TestDatabase;
let repository: LedgeredGoalRepository;
beforeEach(async () => {
  database = await createTestDatabase();
  repository = createGoalRepository({ connectionString: database.url });
});
afterEach(async () => {
  await repository.close();
  await database.drop();
});

function bufferOfKills(count: number, endPosition: bigint): ProgressBuffer {
  const buffer = new ProgressBuffer();
  for (let i = 0; i < count; i++) {
    const event: GameEvent = { id: `e${i}`, type: 'statistic', userId: 'u', namespace: 'n', occurredAt: new Date(Date.UTC(2026, 10, 1, 0, i)), statCode: 'kills', value: 0, inc: 2 };
    const result = eventImpact(catalogue, event);
    if (result.outcome !== 'applied') throw new Error('expected the kills goal to listen');
    buffer.addImpact(result.impact, '0', endPosition);
    buffer.advance('0', endPosition);
  }
  return buffer;
}

function flusher(sourceName = 'log'): BufferFlusher {
  return new BufferFlusher({ repository, sourceName, metrics: new WorkerMetrics({ defaultMetrics: false }), logger: pino({ level: 'silent' }), giveUp: new AbortController().signal });
}

describe('BufferFlusher', () => {
  it('recognises a flush whose COMMIT landed but whose reply was lost, and does not apply it twice', async () => {
    const sealed = bufferOfKills(5, 100n).seal({ source: 'log', committed: new Map([['0', null]]) });
    const first = await flusher().flush(sealed);
    expect(first.committed).toEqual(new Map([['0', 100n]]));
    const after = await readTable(database.url);
    expect([...after.values()]).toEqual([{ progress: 10, status: 'in_progress', completedAt: null, claimed: false }]);

    // the retry a lost reply causes: the same sealed buffer, the same base position as before the commit
    const retry = await flusher().flush(sealed);
    expect(retry.attempts).toBe(1);
    expect(retry.committed).toEqual(new Map([['0', 100n]]));
    expect(await readTable(database.url)).toEqual(after);
  });

  it('refuses to write when another consumer moved the position: fenced, nothing written', async () => {
    await repository.advanceSourcePosition({ source: 'log', partition: '0', from: null, to: 40n });
    const error = await flusher()
      .flush(bufferOfKills(3, 100n).seal({ source: 'log', committed: new Map([['0', null]]) }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FatalFlushError);
    expect((error as Error).message).toMatch(/SOURCE_POSITION_CONFLICT|another consumer/);
    expect(await readTable(database.url)).toEqual(new Map());
    expect(await repository.loadSourcePositions('log')).toEqual([{ source: 'log', partition: '0', position: 40n }]);
  });
});

describe('dead letters PostgreSQL could not store as they arrived', () => {
  it('stores malformed lines with NUL bytes and lone surrogates (escaped) instead of stalling the partition', async () => {
    const lines = ['{"id":"a\u0000b", "type":', '{"id":"x","type":"login","userId":"\\ud800","namespace":"n","occurredAt":"2026-11-01T00:00:00Z"}'];
    const summary = await startWorker({ databaseUrl: database.url, catalogue, path: writeLines(lines) }).done;
    expect(summary.events.dead_lettered).toBe(2);
    const client = await import('pg').then(({ default: pg }) => new pg.Client({ connectionString: database.url }));
    await client.connect();
    const letters = await client.query<{ payload: string }>('SELECT payload FROM dead_letters ORDER BY position');
    await client.end();
    expect(letters.rows.map((r) => r.payload)).toEqual(['{"id":"a\\u0000b", "type":', lines[1]]);
  });
});
