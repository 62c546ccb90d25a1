import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogueIndex } from '@goals/domain';
import { startDatabase } from '@goals/database';
import { createTestDatabase, type TestDatabase } from '@goals/database/testing';
import { generateEventLines, workloadCatalogue } from '@goals/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffTables, foldEvents, readTable } from './support/expected-table.js';
import type { RunSummary } from '../src/goal-worker.js';
import { spawnWorker } from './support/worker-process.js';

/**
 * kill -9 at random moments, restart, and compare with the in-memory fold of
 * the whole log. CI uses GOALS_CRASH_EVENTS (default 20,000 INC events over
 * 2 days, so daily increments cross midnight); `pnpm bench` runs the full size.
 */
const EVENTS = Number(process.env.GOALS_CRASH_EVENTS ?? 20_000);
/** Generous: a full-size run (200,000 events) replays at a few hundred events/s on a loaded 2-core machine. */
const TIMEOUT_MS = Math.max(300_000, EVENTS * 10);
const KILLS = 5;

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.drop();
});

function writeWorkload(events: number) {
  const dir = mkdtempSync(join(tmpdir(), 'goals-crash-'));
  // the embedded server runs as the postgres OS user when the tests run as root
  chmodSync(dir, 0o755);
  const catalogue = workloadCatalogue('INC');
  const cataloguePath = join(dir, 'challenges.json');
  writeFileSync(cataloguePath, JSON.stringify(catalogue));
  const lines = [...generateEventLines({ workload: 'INC', seed: 7, events, users: 200, start: new Date('2026-11-01T20:00:00Z'), durationMs: 2 * 86_400_000, faultRate: 0.001 })];
  const logPath = join(dir, 'events.ndjson');
  writeFileSync(logPath, `${lines.join('\n')}\n`);
  return { dir, catalogue, cataloguePath, lines, logPath };
}

describe('crash recovery', () => {
  it(`ends with exactly the table of one uninterrupted pass after ${KILLS} SIGKILLs`, async () => {
    const { catalogue, cataloguePath, lines, logPath } = writeWorkload(EVENTS);
    const args = ['--input', logPath, '--source-name', 'crash-log', '--catalogue', cataloguePath, '--database-url', database.url, '--max-buffer-rows', '3000', '--flush-interval-ms', '100'];

    // a fixed seed for the kill moments keeps failures reproducible
    let seed = 20261127;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let killed = 0;
    for (let attempt = 0; attempt < KILLS; attempt++) {
      const worker = spawnWorker(args);
      await worker.flushes(1 + Math.floor(random() * 30));
      // past a committed flush, at a random instant (possibly mid-flush)
      await new Promise((resolve) => setTimeout(resolve, random() * 150));
      const killedNow = worker.child.kill('SIGKILL');
      const exit = await worker.exited;
      if (killedNow && exit.signal === 'SIGKILL') killed += 1;
    }
    const last = spawnWorker(args);
    const exit = await last.exited;
    expect(exit.code, exit.stderr.slice(-2000)).toBe(0);
    expect(killed).toBeGreaterThanOrEqual(KILLS - 1); // a worker may finish the log before its kill

    const expected = foldEvents(new CatalogueIndex(catalogue), lines);
    const actual = await readTable(database.url);
    expect(actual.size).toBe(expected.size);
    expect(diffTables(expected, actual)).toEqual([]);
  }, TIMEOUT_MS);

  it('ends with the same table when the database restarts in the middle of a run', async () => {
    const { catalogue, cataloguePath, lines, logPath, dir } = writeWorkload(Math.min(EVENTS, 5_000));
    const dataDir = join(dir, 'pgdata');
    // its own embedded server, whatever DATABASE_URL says: the test stops and starts it
    const first = await startDatabase({ databaseUrl: '', dataDir, port: 0 });
    const port = new URL(first.url).port;
    let second: Awaited<ReturnType<typeof startDatabase>> | undefined;
    try {
      const worker = spawnWorker(['--input', logPath, '--catalogue', cataloguePath, '--database-url', first.url, '--max-buffer-rows', '2000', '--flush-interval-ms', '100', '--summary']);
      await worker.flushes(3);
      await first.stop();
      second = await startDatabase({ databaseUrl: '', dataDir, port: Number(port) });
      expect(new URL(second.url).port).toBe(port);
      const exit = await worker.exited;
      expect(exit.code, exit.stderr.slice(-2000)).toBe(0);
      // the restart was waited out by retrying flushes, not by a new process
      expect((JSON.parse(exit.stdout.trim().split('\n').at(-1) ?? '{}') as RunSummary).flushRetries).toBeGreaterThanOrEqual(1);
      const expected = foldEvents(new CatalogueIndex(catalogue), lines);
      expect(diffTables(expected, await readTable(second.url))).toEqual([]);
    } finally {
      await second?.stop();
      await first.stop();
    }
  }, 300_000);
});
