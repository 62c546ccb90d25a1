import { PassThrough } from 'node:stream';
import { CatalogueIndex, parseCatalogue, type CatalogueInput } from '@goals/domain';
import { createTestDatabase, StallingTcpProxy, type TestDatabase } from '@goals/database/testing';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NdjsonSource } from '../src/sources/ndjson-source.js';
import { diffTables, foldEvents, readTable } from './support/expected-table.js';
import { startWorker } from './support/in-process-worker.js';

/** Issue #8 items 6 and 11: a database that stops answering, or a statement timeout shorter than a flush. */
const reward = { type: 'ITEM' as const, rewardId: 'chest', quantity: 1 };
const catalogueInput: CatalogueInput = {
  challenges: [{ id: 's1', name: 'S1', goals: [{ id: 'logins', name: 'Logins', type: 'increment', eventSource: 'login', requirement: { statCode: 'login', operator: '>=', targetValue: 1000 }, reward }] }],
};
const catalogue = new CatalogueIndex(parseCatalogue(catalogueInput));
const login = (i: number) => JSON.stringify({ id: `e${i}`, type: 'login', userId: `p${i % 7}`, namespace: 'ns', occurredAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i % 60)).toISOString() });

let database: TestDatabase;
beforeEach(async () => {
  database = await createTestDatabase();
});
afterEach(async () => {
  await database.drop();
});

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a database that stops answering (item 6)', () => {
  it('the flush gives up on the silent peer, /readyz says so, and the run commits every event once the peer answers again', async () => {
    const proxy = await StallingTcpProxy.start(database.url);
    const input = new PassThrough();
    const run = startWorker({
      databaseUrl: proxy.url(database.url),
      catalogue,
      source: NdjsonSource.fromStream(input, 'live'),
      flushIntervalMs: 50,
      stallAfterMs: 200,
      timeouts: { noAnswerMs: 1_000, connectMs: 1_000 },
    });
    try {
      const lines = Array.from({ length: 40 }, (_, i) => login(i));
      await until(() => run.worker.ready, 'the worker to start');
      input.write(lines.slice(0, 20).map((l) => `${l}\n`).join(''));
      await until(async () => (await readTable(database.url)).size > 0, 'the first flush');
      proxy.stall();
      input.write(lines.slice(20).map((l) => `${l}\n`).join(''));
      await until(() => !run.worker.readiness.ready && run.worker.readiness.reason.includes('stalled'), 'readiness to report the stalled flush');
      await until(() => run.worker.readiness.reason.includes('retrying'), 'the flush to time out and retry');
      expect(run.worker.readiness.reason).toMatch(/did not answer|no connection/);
      proxy.resume();
      await until(() => run.worker.ready, 'the worker to be ready again');
      input.end();
      const summary = await run.done;
      expect(summary.events.applied).toBe(40);
      expect(diffTables(foldEvents(catalogue, lines), await readTable(database.url))).toEqual([]);
    } finally {
      input.destroy();
      await run.done.catch(() => undefined);
      await proxy.close();
    }
  });
});

describe('a statement timeout shorter than a flush (item 11)', () => {
  it('stops with a clear message after three timeouts of the same flush instead of retrying it forever', async () => {
    const admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    // every write statement on the table takes 300 ms: longer than the 100 ms statement timeout below
    await admin.query(`CREATE FUNCTION slow_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.3); RETURN NULL; END $$`);
    await admin.query(`CREATE TRIGGER slow_write AFTER INSERT OR UPDATE ON user_goal_progress FOR EACH STATEMENT EXECUTE FUNCTION slow_write()`);
    await admin.end();
    const input = new PassThrough();
    input.end(Array.from({ length: 10 }, (_, i) => `${login(i)}\n`).join(''));
    const run = startWorker({ databaseUrl: database.url, catalogue, source: NdjsonSource.fromStream(input, 'slow'), timeouts: { statementMs: 100 } });
    const error = await run.done.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'FatalFlushError', message: expect.stringContaining('--db-statement-timeout-ms') });
    expect(await readTable(database.url)).toEqual(new Map());
  });
});
